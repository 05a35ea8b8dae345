"""`while True: pass` at the top of the cube answer cell: stopped after the timeout."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 1}
FLAGS = {"timeout"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube="while True:\n    pass\n" + CUBE))
