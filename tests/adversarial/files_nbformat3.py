"""Right answers saved as an nbformat 3 notebook: upgraded to 4 and graded."""
import nbformat
from nbformat.v3 import nbbase as v3

from course import FULL, solved

EXPECT = FULL
FLAGS = {"bad-file"}


def submit(release, folder):
    nb4 = solved(release)
    cells = []
    for c in nb4.cells:
        if c.cell_type == "code":
            cells.append(v3.new_code_cell(input=c.source, metadata=dict(c.metadata)))
        else:
            cells.append(v3.new_text_cell("markdown", source=c.source, metadata=dict(c.metadata)))
    nb3 = v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)], metadata=dict(nb4.metadata))
    with open(folder + "/mini.ipynb", "w") as f:
        f.write(nbformat.v3.writes_json(nb3))
