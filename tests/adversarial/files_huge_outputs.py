"""Right answers, and 20 MB of stored outputs in the submitted file: cleared, graded."""
import nbformat

from course import FULL, find_cell, solved, write_nb

EXPECT = FULL
FLAGS = set()


def submit(release, folder):
    nb = solved(release)
    cell = nb.cells[find_cell(nb, "square")]
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 1000 + "\n")
                    for _ in range(20000)]
    write_nb(folder, nb)
