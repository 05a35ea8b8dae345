"""A truncated notebook file (invalid JSON): this student is not graded (clear message),
the rest of the class is."""
import json

from course import solved

EXPECT = None
FLAGS = set()


def submit(release, folder):
    text = json.dumps(solved(release))
    with open(folder + "/mini.ipynb", "w") as f:
        f.write(text[: len(text) // 2])
