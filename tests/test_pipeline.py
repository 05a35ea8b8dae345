"""The nbgrader round trip end to end, on a tiny course: build -> class -> grade -> scores."""
import csv
import json
import os
import subprocess
from pathlib import Path

import nbformat

from conftest import TP_COURSE, run_cli
from tp_course import catalogue as cat
from tp_course.build import prepare_course
from tp_course.grade import grade
from tp_course.report import format_table, write_csv
from tp_course.students import fill, simulated_class, write


def _notebooks(course):
    src = nbformat.read(str(course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    rel = nbformat.read(str(course / "release" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    return src, rel


def test_class_with_broken_submissions_is_graded(mini_course, tmp_path):
    src, rel = _notebooks(mini_course)
    work = tmp_path / "grading"
    env = prepare_course(mini_course, work)
    sub = tmp_path / "submitted"
    for student, nb in simulated_class(src, rel, cat.load(mini_course, "tp0")).items():
        write(nb, sub / student / "tp0" / "tp0_mini.ipynb")
    (sub / "bad_json" / "tp0").mkdir(parents=True)
    (sub / "bad_json" / "tp0" / "tp0_mini.ipynb").write_text('{"cells": [')
    write(fill(rel, src), sub / "renamed" / "tp0" / "my_copy.ipynb")
    (sub / "latin1" / "tp0").mkdir(parents=True)
    (sub / "latin1" / "tp0" / "tp0_mini.ipynb").write_bytes("caf\xe9".encode("latin-1"))

    results = grade(work, sub, workers=2, env=env, progress=False)
    by = {r.student: r for r in results}
    assert set(by) == {"ref_solution", "blank_release", "alt_correct", "wrong_1", "cheater",
                       "bad_json", "renamed", "latin1"}
    assert (by["ref_solution"].auto_score, by["ref_solution"].auto_max) == (2, 2)
    assert by["ref_solution"].cells["test_square"] == (2.0, 2.0)
    assert by["ref_solution"].manual_max == 1 and by["ref_solution"].flags == []
    assert by["alt_correct"].auto_score == 2
    for s in ("blank_release", "wrong_1", "cheater"):
        assert by[s].auto_score == 0, s
    assert any(f.startswith("tampered") for f in by["cheater"].flags), by["cheater"].flags
    assert not any(f.startswith("tampered") for f in by["wrong_1"].flags)
    assert any("not a valid notebook" in f for f in by["bad_json"].flags)
    assert any("missing file: tp0_mini.ipynb (found my_copy.ipynb: renamed?" in f for f in by["renamed"].flags)
    assert any("not UTF-8" in f or "not a valid notebook" in f for f in by["latin1"].flags)
    for s in ("bad_json", "renamed", "latin1"):
        assert by[s].auto_score == 0
    assert (work / "feedback" / "ref_solution" / "tp0" / "tp0_mini.html").exists()
    assert by["ref_solution"].feedback.endswith("tp0_mini.html")

    table = format_table(results)
    assert "ref_solution" in table and "missing file" in table
    rows = list(csv.DictReader(open(write_csv(results, tmp_path / "grades.csv"))))
    assert {r["student"]: r["auto_score"] for r in rows}["ref_solution"] == "2"

    # grading a late submission later loses nothing already in the gradebook
    late = tmp_path / "late"
    write(fill(rel, src), late / "late_student" / "tp0" / "tp0_mini.ipynb")
    again = {r.student: r for r in grade(work, late, workers=1, env=env, progress=False, feedback=False)}
    assert again["late_student"].auto_score == 2
    assert again["ref_solution"].auto_score == 2 and again["alt_correct"].auto_score == 2


def test_cli_check_passes_on_a_good_catalogue(mini_course):
    proc = run_cli("check", "-q", cwd=mini_course)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "solution       2/2  OK" in proc.stdout and "blank release  0/2  OK" in proc.stdout
    assert "square-sign" in proc.stdout and "all checks passed" in proc.stdout


def test_cli_check_fails_when_a_wrong_answer_is_not_caught(mini_course):
    (mini_course / "catalogue" / "tp0.py").write_text(
        "from tp_course.catalogue import Wrong\n"
        "WRONG = [Wrong('not-really-wrong', cell='square', fails=['test_square'], code='def square(x):\\n    return x**2')]\n")
    proc = run_cli("check", "-q", cwd=mini_course)
    assert proc.returncode == 1
    assert "not-really-wrong" in proc.stdout and "FAIL (passes test_square)" in proc.stdout


def test_cli_grade_writes_table_csv_and_feedback(mini_course, tmp_path):
    src, rel = _notebooks(mini_course)
    write(fill(rel, src), tmp_path / "in" / "ada" / "tp0" / "tp0_mini.ipynb")
    write(fill(rel, src, blank="all"), tmp_path / "in" / "bob" / "tp0" / "tp0_mini.ipynb")
    proc = run_cli("grade", str(tmp_path / "in"), "--course", str(mini_course), cwd=mini_course)
    assert proc.returncode == 0, proc.stderr
    assert "2 submissions graded" in proc.stdout
    rows = {r["student"]: r for r in csv.DictReader(open(mini_course / "reports" / "grades.csv"))}
    assert rows["ada"]["auto_score"] == "2" and rows["bob"]["auto_score"] == "0"
    assert json.loads((mini_course / "reports" / "grades.json").read_text())[0]["student"] == "ada"
    assert (mini_course / "feedback" / "ada" / "tp0" / "tp0_mini.html").exists()


def test_cli_check_fails_when_a_test_cell_catches_no_wrong_answer(mini_course):
    (mini_course / "catalogue" / "tp0.py").write_text("WRONG = []\nALTERNATIVES = []\n")
    proc = run_cli("check", "-q", cwd=mini_course)
    assert proc.returncode == 1
    assert "FAIL no catalogued wrong answer fails test_square" in proc.stdout


def test_table_groups_flags_of_a_kind():
    from tp_course.grade import Result
    r = Result("eve", "tp1", 0, 22, 5, flags=["tampered [t1]: np.allclose was replaced",
                                               "tampered [t1]: check_array was replaced", "timeout [t2]: 60 s"])
    row = format_table([r]).splitlines()[-1]
    assert row.endswith("tampered [t1]: np.allclose was replaced (+1 more); timeout [t2]: 60 s")
    assert row.split()[:4] == ["eve", "tp1", "0", "22"]


def test_grading_and_checking_write_nothing_in_home(mini_course, tmp_path):
    """`tp-course grade` and `tp-course check` keep their state in the course and in temporary
    folders: the instructor's ~/.ipython, ~/.jupyter or ~/.local are not touched."""
    home = tmp_path / "home"
    home.mkdir()
    src, rel = _notebooks(mini_course)
    write(fill(rel, src), tmp_path / "in" / "ada" / "tp0" / "tp0_mini.ipynb")
    env = dict(os.environ, HOME=str(home))
    env.pop("IPYTHONDIR", None)
    env.pop("JUPYTER_CONFIG_DIR", None)
    for args in (["grade", str(tmp_path / "in"), "--course", str(mini_course)], ["check", "-q"]):
        proc = subprocess.run([TP_COURSE, *args], cwd=mini_course, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == []


def test_a_new_course_lists_assignments_without_an_error(mini_course):
    """No exchange yet: nbgrader's config makes it, so `nbgrader list` (and JupyterLab's
    Assignment List, which calls it) works before the first release instead of failing."""
    env = {k: v for k, v in os.environ.items() if k != "TP_COURSE_EXCHANGE"}
    nbgrader = str(Path(TP_COURSE).with_name("nbgrader"))
    proc = subprocess.run([nbgrader, "list"], cwd=mini_course, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and "Unwritable" not in proc.stdout + proc.stderr, proc.stderr
    assert (mini_course / "exchange").is_dir()
