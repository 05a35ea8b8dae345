"""Grading you can trust (issue 7): the adversarial catalogue of tests/adversarial/.

One mini course is generated in a temporary directory with the course's real
nbgrader_config.py; every adversarial submission of tests/adversarial/ is put in
submitted/<entry>/ps1/, and ONE plain `nbgrader autograde` grades them all. Each entry
states the score of each test cell and the flags it must raise (see its docstring).
Then: feedback without hidden tests, a failing student keeps what the gradebook had,
and 10 gradings of one submission give the same score.
"""
import glob
import importlib.util
import json
import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ADV = os.path.join(HERE, "adversarial")
sys.path.insert(0, ADV)
import course  # noqa: E402

from tp_course.grading.flags import read_flags  # noqa: E402
from tp_course.grade import inspect_submission, read_scores  # noqa: E402

ENTRIES = sorted(os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(ADV, "*.py")) if not p.endswith("course.py"))
if os.environ.get("TP_ADV_ONLY"):  # development: a few entries only
    ENTRIES = [e for e in ENTRIES if e in os.environ["TP_ADV_ONLY"].split(",")]
DETERMINISM = [f"same_{i}" for i in range(10)]
SANDBOX_OK = shutil.which("unshare") is not None and os.system(
    "unshare --user --map-root-user --mount true >/dev/null 2>&1") == 0


def load(name):
    spec = importlib.util.spec_from_file_location("adv_" + name, os.path.join(ADV, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    reuse = os.environ.get("TP_ADV_REUSE")  # development: grade once, re-check many times
    if reuse and os.path.exists(os.path.join(reuse, "autograde.log")):
        import nbformat
        release = nbformat.read(os.path.join(reuse, "release", course.ASSIGNMENT,
                                             course.NOTEBOOK + ".ipynb"), as_version=4)
        return reuse, release, open(os.path.join(reuse, "autograde.log")).read()
    root = reuse or str(tmp_path_factory.mktemp("course"))
    release = course.make_course(root)
    for name in ENTRIES:
        load(name).submit(release, course.submission_dir(root, name))
    # ten copies of one small submission: determinism
    for student in DETERMINISM:
        course.write_nb(course.submission_dir(root, student),
                        course.with_answers(release, square=course.WRONG_SQUARE))
    env = course.env_for(root)
    proc = course.nbgrader(root, "autograde", course.ASSIGNMENT, env=env, check=False)
    log = proc.stdout + proc.stderr
    with open(os.path.join(root, "autograde.log"), "w") as f:
        f.write(log)
    return root, release, log


@pytest.mark.parametrize("name", ENTRIES)
def test_entry(graded, name):
    root, _, log = graded
    entry = load(name)
    nb_path = os.path.join(root, "autograded", name, course.ASSIGNMENT, course.NOTEBOOK + ".ipynb")
    problems = inspect_submission(root, os.path.join(root, "submitted", name), course.ASSIGNMENT)
    if entry.EXPECT is None:
        assert not os.path.exists(nb_path)
        assert "BAD SUBMISSION" in log and name in log, "no clear message for " + name
        assert any(p.startswith("unreadable") for p in problems), problems
        return
    if getattr(entry, "MISSING", False):
        assert any(p.startswith("missing file") for p in problems), problems
        graded = read_scores(root, course.env_for(root), name, course.ASSIGNMENT)
        assert graded is None or graded.auto_score == 0
        return
    got = course.scores(root, name)
    assert got == {k: float(v) for k, v in entry.EXPECT.items()}, (name, got, read_flags(nb_path))
    kinds = {f["flag"] for f in read_flags(nb_path)}
    if entry.FLAGS:
        assert entry.FLAGS <= kinds, (name, read_flags(nb_path))
    else:
        assert kinds == set(), (name, read_flags(nb_path))


def test_rest_of_class_graded(graded):
    root, _, _ = graded
    expected = {n for n in ENTRIES if load(n).EXPECT is not None and not getattr(load(n), "MISSING", False)}
    for student in expected | set(DETERMINISM):
        assert read_scores(root, course.env_for(root), student, course.ASSIGNMENT).cells, student


def test_determinism(graded):
    root = graded[0]
    scores = [course.scores(root, s) for s in DETERMINISM]
    assert all(s == scores[0] for s in scores), scores
    assert scores[0] == {"test_square": 0.0, "test_cube": 3.0, "test_half": 1.0}


def test_feedback_hides_hidden_tests(graded):
    root = graded[0]
    students = ["honest_solution", "cheat_module_attributes", "cells_test_edited", "same_0"]
    args = ["generate_feedback", course.ASSIGNMENT, "--force"]
    for s in students:
        course.nbgrader(root, *args, f"--student={s}")
    for s in students:
        html = open(os.path.join(root, "feedback", s, course.ASSIGNMENT, course.NOTEBOOK + ".html"),
                    encoding="utf-8").read()
        assert "SECRET_HIDDEN_MARKER" not in html, s
        assert "square is wrong on 0..4" not in html or s != "honest_solution"
        assert "assert_allclose(square(x)" not in html, s
        assert "hidden tests (not shown)" in html
    # the failure is explained: the error's message is there
    html = open(os.path.join(root, "feedback", "same_0", course.ASSIGNMENT, course.NOTEBOOK + ".html"),
                encoding="utf-8").read()
    assert "AssertionError" in html and "square is wrong on 0..4" in html


def test_failed_regrade_keeps_gradebook(graded):
    """A student graded once, who then submits a broken file: the regrade fails with a
    message, and the gradebook keeps the earlier scores."""
    root, release, _ = graded
    student = "same_9"
    before = course.scores(root, student)
    with open(os.path.join(course.submission_dir(root, student), "mini.ipynb"), "w") as f:
        f.write("{not json")
    proc = course.nbgrader(root, "autograde", course.ASSIGNMENT, f"--student={student}", "--force",
                           check=False)
    assert "BAD SUBMISSION" in proc.stdout + proc.stderr
    assert course.scores(root, student) == before
