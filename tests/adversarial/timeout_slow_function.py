"""half sleeps 10 minutes when the test calls it: the test cell times out (0)."""
from course import with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 3, "test_half": 0}
FLAGS = {"timeout"}


def submit(release, folder):
    write_nb(folder, with_answers(release, half='''
import time
def half(x):
    time.sleep(600)
    return x / 2
'''))
