"""`exit()` (IPython's) at the top of the cube answer cell."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = {"crash"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube="exit()\n" + CUBE))
