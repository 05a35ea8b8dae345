"""Extra files next to the notebook: a fake numpy.py and tp_utils.py that would make every
check pass. They must not shadow the real modules. Wrong square: 0."""
import os

from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = set()

FAKE = '''
import sys, importlib.util
raise ImportError("the submission's own numpy.py/tp_utils.py was imported")
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=WRONG_SQUARE))
    for name in ("numpy.py", "tp_utils.py"):
        with open(os.path.join(folder, name), "w") as f:
            f.write(FAKE)
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("extra file\n")
