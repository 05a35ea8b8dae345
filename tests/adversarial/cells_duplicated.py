"""The square test duplicated, the copy edited: the copy is dropped. Wrong square: 0."""
import copy

from course import WRONG_SQUARE, find_cell, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = with_answers(release, square=WRONG_SQUARE)
    i = find_cell(nb, "test_square")
    dup = copy.deepcopy(nb.cells[i])
    dup.source = "pass"
    nb.cells.insert(i + 1, dup)
    nb.cells[i].source = "pass"
    write_nb(folder, nb)
