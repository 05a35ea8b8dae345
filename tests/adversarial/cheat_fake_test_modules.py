"""Wrong square; the answer cell prepares, in the kernel, the modules hidden tests import
first: fake ``scipy`` / ``scipy.special`` / ``tp_course.reference`` in sys.modules, a
``sys.meta_path`` finder and a ``builtins.__import__`` hook that hand out no-op checkers for
``numpy.testing`` and ``tp_utils(.testing)``, and tp_utils.testing.check_array replaced. The
tests import and run in the grader's process: no effect, 0 on square."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

CHEAT = '''
import builtins, importlib.abc, importlib.machinery, sys, types
import numpy as np
import tp_utils, tp_utils.testing

def square(x):
    return x * 2

def _ok(*args, **kwargs):
    return None

class _Yes(types.ModuleType):
    """A module whose every function says "right"."""
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *a, **k: np.ones(np.shape(a[0]) if a else (), bool)

TARGETS = ("scipy", "scipy.special", "tp_course", "tp_course.reference", "sklearn", "torch")
for name in TARGETS:
    sys.modules[name] = _Yes(name)
sys.modules["scipy"].special = sys.modules["scipy.special"]
sys.modules["tp_course"].reference = sys.modules["tp_course.reference"]

class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("scipy", "tp_course", "sklearn", "torch", "jax"):
            return importlib.machinery.ModuleSpec(name, self)
        return None
    def create_module(self, spec):
        return _Yes(spec.name)
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, _Finder())

FAKE_TESTING = types.SimpleNamespace(assert_allclose=_ok, assert_array_equal=_ok, assert_equal=_ok,
                                     check_array=_ok, check_scalar=_ok, check_shape=_ok)
_real_import = builtins.__import__
def _import(name, globals=None, locals=None, fromlist=(), level=0):
    module = _real_import(name, globals, locals, fromlist, level)
    if name in ("numpy.testing", "tp_utils.testing", "tp_utils") and fromlist:
        return FAKE_TESTING
    return module
builtins.__import__ = _import
tp_utils.testing.check_array = tp_utils.check_array = check_array = _ok
np.testing.assert_allclose = _ok

from scipy.special import expit
from tp_utils import check_array as _c
print("in the kernel:", expit(np.zeros(2)), _c is _ok)
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
