"""Wrong square that patches numpy.testing, np.allclose, abs and check_array the first time
it is called, i.e. while the test is running. The patch lands in the kernel; the comparison
happens in the grader's process on the plain array square returned: 0, flag ``tampered``."""
from course import with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = '''
import builtins, numpy, tp_utils.testing
def square(x):
    numpy.testing.assert_allclose = lambda *a, **k: None
    numpy.allclose = lambda *a, **k: True
    builtins.abs = lambda v: 0.0
    tp_utils.testing.check_array = lambda *a, **k: None
    get_ipython().user_ns["check_array"] = lambda *a, **k: None
    return x * 2
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
