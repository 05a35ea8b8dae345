"""Wrong cube; its test cell unlocked, made a non-graded cell and emptied: restored, 0."""
from course import find_cell, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 1}
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = with_answers(release, cube="def cube(x):\n    return x * 4   # right at x = 2 only\n")
    cell = nb.cells[find_cell(nb, "test_cube")]
    cell.metadata.nbgrader.update({"locked": False, "grade": False})
    cell.metadata.pop("editable", None)
    cell.source = "pass"
    write_nb(folder, nb)
