"""The points of test_half raised from 1 to 100: never more than the source gives."""
from course import FULL, find_cell, solved, write_nb

EXPECT = FULL
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = solved(release)
    nb.cells[find_cell(nb, "test_half")].metadata.nbgrader["points"] = 100
    write_nb(folder, nb)
