"""Grading you can trust (issue 7): the adversarial catalogue of tests/adversarial/.

One mini course is generated in a temporary directory with the course's real
nbgrader_config.py; every adversarial submission of tests/adversarial/ is put in
submitted/<entry>/ps1/, and ONE plain `nbgrader autograde` grades them all. Each entry
states the score of each test cell and the flags it must raise (see its docstring).
Then: feedback without hidden tests, a failing student keeps what the gradebook had,
10 gradings of one submission give the same score, no process an attack started is left on
the machine, students graded after the attackers score as if alone, nothing read from the
kernel during a test shows hidden code, active content never reaches the feedback or the
formgrader, and a cell's huge outputs are capped.
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
    if entry.FLAGS and not getattr(entry, "EXACT_FLAGS", False):
        assert entry.FLAGS <= kinds, (name, read_flags(nb_path))
    else:  # no flag, or exactly these flags (EXACT_FLAGS: e.g. "tampered" but no "crash")
        assert kinds == set(entry.FLAGS), (name, read_flags(nb_path))


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


# ---------------------------------------------------------------- what the new attacks must not get
def needs(*names):
    missing = [n for n in names if n not in ENTRIES]
    if missing:
        pytest.skip("entries not graded in this run: " + ", ".join(missing))


def autograded(root, student):
    import nbformat
    return nbformat.read(os.path.join(root, "autograded", student, course.ASSIGNMENT,
                                      course.NOTEBOOK + ".ipynb"), as_version=4)


def feedback_html(root, student, force=True):
    path = os.path.join(root, "feedback", student, course.ASSIGNMENT, course.NOTEBOOK + ".html")
    if force or not os.path.exists(path):
        course.nbgrader(root, "generate_feedback", course.ASSIGNMENT, "--force", f"--student={student}")
    with open(path, encoding="utf-8") as f:
        return f.read()


def outputs_text(nb):
    return json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])


def stray_processes():
    """Processes on this machine that an attack left behind (their command line has the marker)."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if course.STRAY_MARKER in cmd:
            found[int(pid)] = cmd[:200]
    return found


def test_no_stray_processes(graded):
    """jail_escape, aaa_1_persist_write and budget_fork_many start processes meant to outlive
    their kernel (new session, signals ignored, double fork): every one died with its jail."""
    import signal
    import time
    needs("jail_escape", "aaa_1_persist_write", "budget_fork_many")
    left = stray_processes()
    for _ in range(50):  # a kernel being torn down: give it a few seconds
        if not left:
            break
        time.sleep(0.1)
        left = stray_processes()
    for pid in left:     # do not leave them running on this machine
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, left
    assert not glob.glob(os.path.join(graded[0], "ADV_ESCAPED_*"))
    nb = autograded(graded[0], "budget_fork_many")
    assert "started 100 processes" in outputs_text(nb)  # the attack did run


def test_cross_student_unaffected(graded):
    """Students graded after the aaa_* attackers (and after everyone) score exactly what they
    score alone, with no flag; nothing the attackers wrote reached a later kernel."""
    root = graded[0]
    needs("aaa_1_persist_write", "aaa_2_persist_read", "zzz_honest_solution", "zzz_honest_wrong",
          "honest_solution")
    assert course.scores(root, "zzz_honest_solution") == course.scores(root, "honest_solution") == course.FULL
    alone = {"test_square": 0.0, "test_cube": 3.0, "test_half": 1.0}
    assert course.scores(root, "zzz_honest_wrong") == alone
    if "same_0" in DETERMINISM:
        assert course.scores(root, "zzz_honest_wrong") == course.scores(root, "same_0")
    for s in ("zzz_honest_solution", "zzz_honest_wrong", "aaa_2_persist_read"):
        assert read_flags(os.path.join(root, "autograded", s, course.ASSIGNMENT, course.NOTEBOOK + ".ipynb")) == []
    writer = outputs_text(autograded(root, "aaa_1_persist_write"))
    assert "written: [" in writer and "/tmp/aaa_persist" in writer      # it did write, in its jail
    assert "left by aaa_1_persist_write: []" in outputs_text(autograded(root, "aaa_2_persist_read"))
    # the submissions of later students are untouched
    for s in ("zzz_honest_solution", "zzz_honest_wrong"):
        with open(os.path.join(root, "submitted", s, course.ASSIGNMENT, course.NOTEBOOK + ".ipynb")) as f:
            json.load(f)
    # nothing landed in the Python installation
    import site
    for d in site.getsitepackages() + [site.getusersitepackages()]:
        for name in ("zz_aaa_persist.pth", "zz_adv_jail_escape.pth"):
            assert not os.path.exists(os.path.join(d, name)), d


def test_no_hidden_code_in_outputs(graded):
    """Code that reads In/_ih/_i/Out/the history or its callers' frames during a test prints
    what it saw into the graded notebook: no hidden test code there, nor in the feedback."""
    root = graded[0]
    needs("leak_test_source", "cheat_caller_frames")
    for s in ("leak_test_source", "cheat_caller_frames"):
        text = outputs_text(autograded(root, s))
        assert "SECRET_HIDDEN_MARKER" not in text, s
        assert "assert_allclose(square(x)" not in text and "square is wrong on negative" not in text, s
    text = outputs_text(autograded(root, "leak_test_source"))
    assert "LEAKED DURING THE TESTS" in text and "In = [" in text     # the attack did run
    text = outputs_text(autograded(root, "cheat_caller_frames"))
    assert "frames seen during the tests:" in text and "_dispatch" in text  # its caller: the agent
    html = feedback_html(root, "leak_test_source")
    assert "SECRET_HIDDEN_MARKER" not in html
    assert "assert_allclose(square(x)" not in html
    assert "LEAKED DURING THE TESTS" in html


ACTIVE_MIMES = ("text/html", "application/javascript", "text/javascript", "image/svg+xml", "text/markdown",
                "text/latex", "application/vnd.jupyter.widget-view+json")


def test_xss_inert(graded):
    """xss_outputs: the graded notebook keeps no active output and no raw HTML in the written
    answer; its feedback page and its formgrader page have exactly the active content (the
    template's own scripts) of a clean submission's."""
    import importlib.util as iu
    root = graded[0]
    needs("xss_outputs", "honest_solution")
    nb = autograded(root, "xss_outputs")
    mimes = {m for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) for m in o.get("data", {})}
    assert not mimes & set(ACTIVE_MIMES), mimes
    assert "plain text kept" in outputs_text(nb)
    answer = nb.cells[course.find_cell(nb, "explain")].source
    assert "<img" not in answer and "<script" not in answer, answer
    from tp_course.grading.sanitize import find_active_content
    clean, evil = feedback_html(root, "honest_solution", force=False), feedback_html(root, "xss_outputs")
    assert find_active_content(evil) == find_active_content(clean)
    assert "xss-" not in " ".join(find_active_content(evil))
    spec = iu.spec_from_file_location("adv_test_sanitize", os.path.join(HERE, "test_sanitize.py"))
    ts = iu.module_from_spec(spec)
    spec.loader.exec_module(ts)
    pages = [ts.formgrade_page(autograded(root, s)) for s in ("honest_solution", "xss_outputs")]
    assert find_active_content(pages[1]) == find_active_content(pages[0])


def test_huge_display_capped(graded):
    """200 MB of display_data in one cell: the grader keeps output_limit (1 MB) of it, then nbgrader's
    LimitOutput and SanitizeOutputs cut more: the graded notebook stays small, with a note."""
    root = graded[0]
    needs("budget_huge_display")
    path = os.path.join(root, "autograded", "budget_huge_display", course.ASSIGNMENT, course.NOTEBOOK + ".ipynb")
    assert os.path.getsize(path) < 5 * 2**20, os.path.getsize(path)
    assert "output over the grading limit" in outputs_text(autograded(root, "budget_huge_display"))
