"""The cube answer cell prints without end (hundreds of MB): stopped at the timeout, the
outputs kept in the graded notebook are capped, the rest of the notebook is graded."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 1}
FLAGS = {"timeout"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube='''
line = "x" * 1000
while True:
    print(line)
''' + CUBE))
