"""The test cell of square deleted (right answers): put back from the source and run."""
from course import FULL, find_cell, solved, write_nb

EXPECT = FULL
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = solved(release)
    del nb.cells[find_cell(nb, "test_square")]
    write_nb(folder, nb)
