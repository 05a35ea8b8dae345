"""Wrong square; fake numpy and tp_utils put in sys.modules and bound to the notebook's
`np` / `check_array`; the builtins abs and len shadowed by notebook globals."""
from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = WRONG_SQUARE + '''
import sys, types
import numpy as _real
class _Fake(types.ModuleType):
    def __getattr__(self, name):
        return getattr(_real, name)
fake = _Fake("numpy")
fake.allclose = lambda *a, **k: True
fake.testing = types.SimpleNamespace(assert_allclose=lambda *a, **k: None)
sys.modules["numpy"] = fake
sys.modules["numpy.testing"] = fake.testing
np = fake
fake_tp = types.ModuleType("tp_utils")
fake_tp.check_array = lambda *a, **k: None
sys.modules["tp_utils"] = fake_tp
check_array = fake_tp.check_array
abs = lambda v: 0.0
len = lambda v: 5
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
