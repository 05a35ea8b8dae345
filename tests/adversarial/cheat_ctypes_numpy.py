"""Wrong square (x * 2), and the answer cell rewrites numpy itself in the kernel: ctypes
clears the immutable flag of ``np.ndarray`` and ``np.float64`` so that ``==``, ``<=``,
``all()``, ``any()``, ``round`` can be replaced (slots included), ``gc.get_referents`` edits
the type dict of ``np.ndarray`` directly, and np.allclose / np.isclose / numpy.testing /
tp_utils.check_array are replaced. It works in the kernel (the cell prints so); the tests run
in the grader's process with its own numpy, and get exact arrays: 0 on square."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

CHEAT = '''
import ctypes, gc
import numpy as np
import numpy.testing
import tp_utils, tp_utils.testing

def square(x):
    return x * 2

def _make_mutable(t):
    # Py_TPFLAGS_IMMUTABLETYPE is bit 8 of tp_flags (word 21 of the type object, CPython 3.10+)
    flags = ctypes.c_ulong.from_address(id(t) + 21 * ctypes.sizeof(ctypes.c_void_p))
    if flags.value == t.__flags__:
        flags.value &= ~(1 << 8)

def _all_true(self, other=None):
    return np.ones(np.shape(self), bool).view(np.ndarray)

def _all_false(self, other=None):
    return np.zeros(np.shape(self), bool).view(np.ndarray)

for t in (np.ndarray, np.float64):
    _make_mutable(t)
np.ndarray.__eq__ = np.ndarray.__le__ = np.ndarray.__ge__ = _all_true
np.ndarray.__ne__ = np.ndarray.__lt__ = np.ndarray.__gt__ = _all_false
np.float64.__eq__ = lambda self, other: True
np.float64.__round__ = lambda self, n=None: 3.375
type_dict = gc.get_referents(np.ndarray.__dict__)[0]
type_dict["all"] = lambda self, *a, **k: True
type_dict["any"] = lambda self, *a, **k: True
ctypes.pythonapi.PyType_Modified(ctypes.py_object(np.ndarray))
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
numpy.testing.assert_allclose = lambda *a, **k: None
tp_utils.check_array = tp_utils.testing.check_array = check_array = lambda *a, **k: None
print("in the kernel:", np.array([1.0]) == np.array([2.0]), np.array([False]).all(),
      round(np.float64(0.0), 3), np.allclose(1, 2))
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
