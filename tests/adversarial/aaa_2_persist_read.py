"""Graded right after ``aaa_1_persist_write``: looks for everything it left (a builtin set by
a startup file or a ``.pth``, the startup files, the ``.pth`` files, the marker files, the
watcher's heartbeat); if anything is there, square is right. Each kernel has its own /tmp,
$HOME, /dev/shm, PID namespace and a read-only Python: nothing is found, 0 on square. No
suspicious code here: no flag."""
from aaa_1_persist_write import MARKER_FILES, STARTUP_DIRS
from course import RIGHT_IF_FOUND, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = set()

READ = (r'''
import os, sys
found = []
try:
    found.append("builtin " + AAA_PERSISTED)
except NameError:
    pass
for d in @STARTUP_DIRS@:
    path = os.path.join(os.path.expandvars(os.path.expanduser(d)), "00-aaa-persist.py")
    if os.path.exists(path):
        found.append(path)
for d in sys.path:
    if os.path.exists(os.path.join(d, "zz_aaa_persist.pth")):
        found.append(os.path.join(d, "zz_aaa_persist.pth"))
for path in @MARKER_FILES@:
    if os.path.exists(os.path.expanduser(path)):
        found.append(path)
print("left by aaa_1_persist_write:", found)
''' + RIGHT_IF_FOUND).replace("@STARTUP_DIRS@", repr(STARTUP_DIRS)).replace("@MARKER_FILES@", repr(MARKER_FILES))


def submit(release, folder):
    write_nb(folder, with_answers(release, square=READ))
