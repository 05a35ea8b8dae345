"""At grading time, the answer cell looks for the solutions, the gradebook and the other
students' work: relative paths, parents of the working directory, environment variables,
the grader process's directory (/proc). If it finds any, square is right, else wrong.
Expected: nothing found (0 on square). The paths found are printed in the cell output."""
from course import RIGHT_IF_FOUND, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

SNOOP = r'''
import os
found = []
def _try(path):
    try:
        with open(path, "rb") as f:
            if f.read(64):
                found.append(path)
    except Exception:
        pass
cands = []
d = os.getcwd()
for _ in range(10):
    cands += [os.path.join(d, "source", "ps1", "mini.ipynb"), os.path.join(d, "gradebook.db"),
              os.path.join(d, "autograded", "honest_solution", "ps1", "mini.ipynb"),
              os.path.join(d, "submitted", "honest_solution", "ps1", "mini.ipynb")]
    d = os.path.dirname(d)
for rel in ("..", "../..", "../../..", "../../../.."):
    cands.append(os.path.join(rel, "source", "ps1", "mini.ipynb"))
roots = [v for v in os.environ.values() if os.path.isdir(v)]
roots += [v.replace("sqlite:///", "") for v in os.environ.values() if "sqlite" in v]
ppid = os.getppid()
for p in (ppid, os.getpid()):
    try:
        roots.append(os.readlink("/proc/%d/cwd" % p))
    except Exception:
        pass
    try:
        with open("/proc/%d/environ" % p, "rb") as f:
            for item in f.read().split(b"\0"):
                k, _, v = item.decode(errors="replace").partition("=")
                if os.path.isdir(v):
                    roots.append(v)
    except Exception:
        pass
    roots += ["/proc/%d/cwd" % p]
for r in list(roots):
    roots.append("/proc/%d/root" % ppid + r)
for r in roots:
    cands += [os.path.join(r, "source", "ps1", "mini.ipynb"), os.path.join(r, "gradebook.db"),
              os.path.join(r, "autograded", "honest_solution", "ps1", "mini.ipynb"),
              os.path.join(r, "submitted", "honest_solution", "ps1", "mini.ipynb")]
for c in cands:
    _try(c)
print("found:", sorted(set(found)))
''' + RIGHT_IF_FOUND


def submit(release, folder):
    write_nb(folder, with_answers(release, square=SNOOP))
