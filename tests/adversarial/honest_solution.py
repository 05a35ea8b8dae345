"""The instructor's answers typed in: full marks, no flag (no false positive)."""
from course import FULL, solved, write_nb

EXPECT = FULL
FLAGS = set()


def submit(release, folder):
    write_nb(folder, solved(release))
