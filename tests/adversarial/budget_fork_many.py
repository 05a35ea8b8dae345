"""Wrong cube whose answer cell starts 100 processes that would outlive it: each double-forks
into a new session, ignores SIGTERM/SIGHUP/SIGINT and sleeps 10 minutes. They live in the
kernel's PID namespace, so they die with it: none is left on the host after the grading
(tests/test_adversarial.py::test_no_stray_processes), and the grading goes on (square 2,
half 1)."""
from course import STRAY_MARKER, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

SPAWN = '''
import os, signal

def cube(x):
    return x * 4      # right at x = 2 only

started = 0
for i in range(100):
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                    signal.signal(s, signal.SIG_IGN)
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.execv("/bin/sleep", ["@STRAY@_budget_fork_many", "600"])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    started += 1
print("started", started, "processes")
'''.replace("@STRAY@", STRAY_MARKER)


def submit(release, folder):
    write_nb(folder, with_answers(release, cube=SPAWN))
