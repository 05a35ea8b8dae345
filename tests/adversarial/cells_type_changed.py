"""The half test turned into a markdown cell: restored as code and run (right answer: 1)."""
import nbformat

from course import FULL, find_cell, solved, write_nb

EXPECT = FULL
FLAGS = {"grade-cells-modified"}


def submit(release, folder):
    nb = solved(release)
    i = find_cell(nb, "test_half")
    old = nb.cells[i]
    nb.cells[i] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    write_nb(folder, nb)
