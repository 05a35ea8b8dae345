"""The notebook submitted under another name ("mini (1).ipynb"): the expected notebook is
missing, so 0 everywhere (the report flags the missing file)."""
from course import ZERO, solved, write_nb

EXPECT = ZERO
FLAGS = set()
MISSING = True


def submit(release, folder):
    write_nb(folder, solved(release), name="mini (1).ipynb")
