"""Right square; cube returns a float subclass / numpy float64 subclass / list of them whose
``==``, ``round``, ``float``, ``abs`` and ``-`` say "right"; half returns a dict subclass that
equals anything. A float subclass or a dict subclass is not plain data: it stays in the kernel
as an opaque handle (no comparison, no ``float``); a numpy scalar subclass crosses as its bare
number (the lying methods stay behind). cube and half get 0, as honest wrong answers would."""
from course import with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = {"tampered"}
EXACT_FLAGS = True

CUBE = '''
import numpy as np

class Yes(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__
    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __eq__
    def __round__(self, n=None):
        return 3.375
    def __float__(self):
        return 3.375
    def __abs__(self):
        return Yes(0.0)
    def __sub__(self, other):
        return Yes(0.0)
    __rsub__ = __sub__
    def __bool__(self):
        return True

class Yes64(np.float64):
    def __eq__(self, other):
        return True
    __hash__ = np.float64.__hash__
    def __round__(self, n=None):
        return 3.375

def cube(x):
    if np.ndim(x) == 0:
        return Yes64(0.0)                # crosses as the number 0.0
    return [Yes(0.0) for _ in range(len(x))]

print(Yes(0.0) == 8.0, round(Yes(0.0), 3) == 3.375)
'''

HALF = '''
class Anything(dict):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = None
    def __getitem__(self, key):
        return 1.0
    def __len__(self):
        return 4
    def __iter__(self):
        return iter([0.0, 0.5, 1.0, 1.5])

def half(x):
    return Anything()
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, cube=CUBE, half=HALF))
