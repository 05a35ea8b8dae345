"""square loops forever (``while True: pass``) when the test calls it: the judge gives up at
the cell timeout (0 on square, flag ``timeout``), the kernel is interrupted and recovers, and
the cells after it are graded as usual (cube 3, half 1)."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"timeout"}
EXACT_FLAGS = True


def submit(release, folder):
    write_nb(folder, with_answers(release, square='''
def square(x):
    while True:
        pass
'''))
