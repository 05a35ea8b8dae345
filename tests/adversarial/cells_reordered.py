"""The cube test moved to the top of the notebook (before the imports): put back in place."""
from course import FULL, find_cell, solved, write_nb

EXPECT = FULL
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = solved(release)
    cell = nb.cells.pop(find_cell(nb, "test_cube"))
    nb.cells.insert(0, cell)
    write_nb(folder, nb)
