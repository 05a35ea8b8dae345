"""Wrong square; a ``pre_run_cell`` IPython event re-patches numpy.testing, np.allclose, abs
and check_array at the start of every later cell of the kernel. Test cells never run in the
kernel (the judge runs them in the grader's process; the kernel only serves calls): 0 on
square, flag ``tampered``."""
from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = WRONG_SQUARE + '''
import builtins, numpy, tp_utils.testing
def _patch(*args, **kwargs):
    numpy.testing.assert_allclose = lambda *a, **k: None
    numpy.allclose = lambda *a, **k: True
    builtins.abs = lambda v: 0.0
    tp_utils.testing.check_array = lambda *a, **k: None
    get_ipython().user_ns["check_array"] = lambda *a, **k: None
get_ipython().events.register("pre_run_cell", _patch)
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
