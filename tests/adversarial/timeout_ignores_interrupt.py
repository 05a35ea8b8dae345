"""An infinite loop that swallows KeyboardInterrupt: after the timeout the kernel does not
answer, so it is stopped; the cells after it are not run."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = {"timeout", "crash"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube='''
import time
while True:
    try:
        time.sleep(0.05)
    except KeyboardInterrupt:
        pass
''' + CUBE))
