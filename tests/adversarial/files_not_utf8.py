"""Right answers, but the file is Latin-1 (an accented comment): read anyway, flagged."""
import json

from course import FULL, find_cell, solved

EXPECT = FULL
FLAGS = {"bad-file"}


def submit(release, folder):
    nb = solved(release)
    nb.cells[find_cell(nb, "square")].source += "\n# carré: élevé au carré\n"
    with open(folder + "/mini.ipynb", "wb") as f:
        f.write(json.dumps(nb, ensure_ascii=False).encode("latin-1"))
