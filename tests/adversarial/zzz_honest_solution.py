"""The instructor's answers, graded last (after the ``aaa_*`` attackers and everyone else):
full marks, no flag, exactly as ``honest_solution``
(tests/test_adversarial.py::test_cross_student_unaffected)."""
from course import FULL, solved, write_nb

EXPECT = FULL
FLAGS = set()


def submit(release, folder):
    write_nb(folder, solved(release))
