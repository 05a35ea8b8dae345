"""A kernel that does not start (a loaded machine; here: too little memory to start) is retried,
and a submission whose kernel never starts is not recorded as a 0."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "adversarial"))
import course  # noqa: E402


def test_a_kernel_that_never_starts_records_nothing(tmp_path):
    root = str(tmp_path / "course")
    release = course.make_course(root)
    course.write_nb(course.submission_dir(root, "unlucky"), course.solved(release))
    proc = course.nbgrader(root, "autograde", course.ASSIGNMENT, "--student=unlucky",
                           "--JailedExecute.memory_limit_mb=20", check=False)
    log = proc.stdout + proc.stderr
    assert "kernel start failed (attempt 1 of 3)" in log and "attempt 2 of 3" in log, log[-3000:]
    assert "did not start (3 attempts)" in log and "nothing was recorded" in log
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook("sqlite:///" + os.path.join(root, "gradebook.db")) as gb:
        try:
            nb = gb.find_submission_notebook(course.NOTEBOOK, course.ASSIGNMENT, "unlucky")
        except MissingEntry:
            nb = None
        assert nb is None or all(g.score is None or g.auto_score is None for g in nb.grades), \
            "a 0 was recorded for a submission that was never run"
    # the same submission graded on a machine where the kernel starts: full marks
    proc = course.nbgrader(root, "autograde", course.ASSIGNMENT, "--student=unlucky", "--force", check=False)
    assert course.scores(root, "unlucky") == course.FULL, proc.stdout[-2000:] + proc.stderr[-2000:]
