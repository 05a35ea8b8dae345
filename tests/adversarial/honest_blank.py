"""The release notebook submitted untouched: 0 everywhere, no flag."""
from course import ZERO, write_nb

EXPECT = ZERO
FLAGS = set()


def submit(release, folder):
    write_nb(folder, release)
