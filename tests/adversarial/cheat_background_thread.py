"""Wrong square; a background thread in the kernel re-patches numpy.testing, np.allclose,
abs and tp_utils.check_array every millisecond, for as long as the kernel lives. The tests
run in the grader's process (its own numpy, builtins and tp_utils), which the thread cannot
reach: 0 on square, flag ``tampered`` (threading, module attributes replaced)."""
from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = WRONG_SQUARE + '''
import builtins, threading, time, numpy, tp_utils.testing
def _loop():
    while True:
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.allclose = lambda *a, **k: True
        builtins.abs = lambda v: 0.0
        tp_utils.testing.check_array = lambda *a, **k: None
        time.sleep(0.001)
threading.Thread(target=_loop, daemon=True).start()
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
