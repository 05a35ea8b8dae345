"""Wrong square that, when the test calls it, reads and prints the test's source from the
kernel: ``In``, ``_ih``, ``_i``/``_ii``/``_iii``, ``Out``, ``_``, the history database,
``sys.argv``; the cube answer cell prints it all again (so it lands in the graded notebook
and the feedback). The tests never run in the kernel: no hidden code anywhere
(tests/test_adversarial.py::test_no_hidden_code_in_outputs). 0 on square."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

CHEAT = '''
import sys
LEAK = []

def square(x):
    ip = get_ipython()
    ns = ip.user_ns
    for key in ("In", "_ih", "Out", "_oh", "_i", "_ii", "_iii", "_", "__", "___", "_dh"):
        LEAK.append(f"{key} = {ns.get(key)!r}"[:4000])
    LEAK.append("In[-1] = " + repr(ns["In"][-1])[:4000])
    try:
        LEAK.append("history = " + repr(list(ip.history_manager.get_tail(50, raw=True)))[:4000])
    except Exception as err:
        LEAK.append(f"history: {err!r}")
    LEAK.append("argv = " + repr(sys.argv))
    print("\\n".join(LEAK))
    return x * 2
'''

REPORT = '''
print("LEAKED DURING THE TESTS:")
print("\\n".join(LEAK))
''' + CUBE.replace("    ### BEGIN SOLUTION\n", "").replace("\n    ### END SOLUTION", "")


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT, cube=REPORT))
