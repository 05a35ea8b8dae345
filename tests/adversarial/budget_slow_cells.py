"""Right answers, but ten cells of the student's own after the square test each sleep 2.5 s,
just under the 3 s cell timeout: the notebook's time budget (``TP_COURSE_NOTEBOOK_TIMEOUT``,
20 s in course.env_for) runs out, the cells after it are not run (0 on cube and half) and the
notebook is flagged ``timeout``; square, judged before, keeps its 2 points."""
from course import insert_after, solved, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = {"timeout"}
EXACT_FLAGS = True


def submit(release, folder):
    nb = insert_after(solved(release), "test_square", *["import time\ntime.sleep(2.5)\n"] * 10)
    write_nb(folder, nb)
