"""Wrong square and its test cell emptied (`pass`): the test is restored, square gets 0."""
from course import WRONG_SQUARE, find_cell, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = with_answers(release, square=WRONG_SQUARE)
    nb.cells[find_cell(nb, "test_square")].source = "pass"
    write_nb(folder, nb)
