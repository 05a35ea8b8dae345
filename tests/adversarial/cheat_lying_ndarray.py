"""Wrong square (x * 2) returned as an ndarray subclass that agrees with anything:
``__array_ufunc__`` / ``__array_function__`` answer True to every numpy function, ``==``,
``<=``, ``bool``, ``all()``, ``len`` and ``float`` all say "right". Only exact ndarrays cross to
the judge as data; the subclass stays in the kernel as an opaque handle, which no check
accepts: 0 on square, like the honest x * 2."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

CHEAT = '''
import numpy as np

class Agree(np.ndarray):
    """Says yes to every comparison and every numpy function."""
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True
    def __array_function__(self, func, types, args, kwargs):
        return True
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __le__ = __ge__ = __eq__
    def __lt__(self, other):
        return False
    __gt__ = __lt__
    def __bool__(self):
        return True
    def all(self, *args, **kwargs):
        return True
    def any(self, *args, **kwargs):
        return True
    def __len__(self):
        return 5
    def __float__(self):
        return 9.0
    def __abs__(self):
        return 0.0
    def __sub__(self, other):
        return np.zeros(np.shape(other)).view(Agree)
    __rsub__ = __sub__
    def __getitem__(self, key):
        return self

def square(x):
    return np.asarray(x * 2).view(Agree)     # wrong values, lying wrapper

print(square(np.arange(3.0)) == 123, np.allclose(square(np.arange(3.0)), -1))
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
