"""cube kills its own kernel (SIGKILL) when the test calls it."""
from course import with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = {"crash"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube='''
import os, signal
def cube(x):
    os.kill(os.getpid(), signal.SIGKILL)
'''))
