"""os._exit(0) in the cube answer cell: square keeps its points, cube and half get 0."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = {"crash"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube="import os\nos._exit(0)\n" + CUBE))
