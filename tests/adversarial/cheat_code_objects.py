"""Square wrong on negative numbers only; the answer cell rewrites, in place, the code
object of np.allclose's implementation (no attribute is rebound)."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = '''
import numpy as np
def square(x):
    return x * np.abs(x)     # wrong for x < 0

def _always(*args, **kwargs):
    return True
np.allclose._implementation.__code__ = _always.__code__
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
