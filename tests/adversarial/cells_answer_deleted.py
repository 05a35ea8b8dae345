"""The cube answer cell deleted, cube defined in an ordinary cell instead: the answer cell
comes back empty (flagged), the student's own cell still defines cube (3 points)."""
import nbformat

from course import FULL, find_cell, solved, write_nb

EXPECT = FULL
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = solved(release)
    i = find_cell(nb, "cube")
    code = nb.cells[i].source
    nb.cells[i] = nbformat.v4.new_code_cell(code)
    write_nb(folder, nb)
