"""Wrong square, cube left blank (its cell raises NotImplementedError), right half; the square
answer cell hides errors from nbgrader in the kernel: a ``post_run_cell`` callback that
clears the cell's error, ``set_custom_exc`` swallowing every exception, ``showtraceback``,
``_showtraceback`` and ``sys.excepthook`` replaced. The verdict of a test is the judge's
(in the grader's process), not what the kernel reports: 0 on square and cube, 1 on half."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 0, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

CHEAT = '''
import sys

def square(x):
    return x * 2

ip = get_ipython()

def _clear(result):
    try:
        result.error_in_exec = None
        result.error_before_exec = None
    except Exception:
        pass

def _swallow(shell, etype, value, tb, tb_offset=None):
    return None

ip.events.register("post_run_cell", _clear)
ip.set_custom_exc((BaseException,), _swallow)
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
ip.showsyntaxerror = lambda *a, **k: None
sys.excepthook = lambda *a, **k: None
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT, cube="# (left blank)\nraise NotImplementedError()\n"))
