"""Wrong square (right at x = 2 only), graded last: 0 + 3 + 1, no flag, exactly as the
``same_*`` students (tests/test_adversarial.py::test_cross_student_unaffected)."""
from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = set()


def submit(release, folder):
    write_nb(folder, with_answers(release, square=WRONG_SQUARE))
