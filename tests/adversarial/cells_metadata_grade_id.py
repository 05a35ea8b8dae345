"""Wrong square; its test cell renamed (grade_id) and emptied: the real test comes back."""
from course import WRONG_SQUARE, find_cell, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = with_answers(release, square=WRONG_SQUARE)
    cell = nb.cells[find_cell(nb, "test_square")]
    cell.metadata.nbgrader["grade_id"] = "test_square_mine"
    cell.source = "pass"
    write_nb(folder, nb)
