"""Wrong square, and the answer cell replaces what the tests call: numpy.testing,
np.allclose, np.isclose, builtins abs/len/round, tp_utils.check_array (module and the
notebook's own name). If the tests ran in the kernel this would score full marks; they run
in the grader's process, with its own modules: 0 on square, flag ``tampered``."""
from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = WRONG_SQUARE + '''
import builtins, numpy, tp_utils, tp_utils.testing
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), bool)
builtins.abs = lambda v: 0.0
builtins.round = lambda v, n=0: 3.375
tp_utils.check_array = lambda *a, **k: None
tp_utils.testing.check_array = lambda *a, **k: None
check_array = lambda *a, **k: None
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
