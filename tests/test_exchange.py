"""nbgrader's own workflow between two real Unix users: an instructor and a student.

release_assignment -> (student) fetch_assignment -> edit -> submit -> (instructor) collect ->
tp-course grade -> generate_feedback -> release_feedback -> (student) fetch_feedback, through an
exchange made by `tp-course exchange`. The course lives in the instructor's home (0700): the
student can read none of it. Needs root (useradd); the course's environment is a venv made
from the system Python (readable by every user), as on a shared teaching server.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

from conftest import MINI, ROOT
from multiuser import INSTRUCTOR, STUDENT, as_user as _as, course_venv, needs_root, unix_user as _user
from tp_course.students import fill

pytestmark = needs_root


@pytest.fixture(scope="module")
def shared_venv():
    return course_venv()


def test_release_fetch_submit_collect_grade_feedback(shared_venv):
    teacher, student = _user(INSTRUCTOR), _user(STUDENT)
    shutil.rmtree(student / "tp0", ignore_errors=True)   # an earlier run's copy
    base = Path(tempfile.mkdtemp(prefix="tp-exchange-"))
    os.chmod(base, 0o755)
    exchange = base / "exchange"
    made = subprocess.run([str(shared_venv / "bin" / "tp-course"), "exchange", str(exchange)],
                          capture_output=True, text=True, check=True)
    assert oct(exchange.stat().st_mode & 0o7777) == "0o1777" and "c.Exchange.root" in made.stdout
    course = teacher / "course"
    shutil.rmtree(course, ignore_errors=True)
    shutil.copytree(MINI, course)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    subprocess.run(["chown", "-R", f"{INSTRUCTOR}:{INSTRUCTOR}", str(course)], check=True)
    t_env = {"TP_COURSE_EXCHANGE": str(exchange)}
    try:
        _as(INSTRUCTOR, teacher, shared_venv, "tp-course", "--root", str(course), "build", cwd=course, env=t_env)
        _as(INSTRUCTOR, teacher, shared_venv, "nbgrader", "release_assignment", "tp0", cwd=course, env=t_env)

        # the student: a config of two lines, then nbgrader's commands
        (student / ".jupyter").mkdir(exist_ok=True)
        (student / ".jupyter" / "nbgrader_config.py").write_text(made.stdout.split(":\n", 2)[-1])
        subprocess.run(["chown", "-R", f"{STUDENT}:{STUDENT}", str(student / ".jupyter")], check=True)
        listed = _as(STUDENT, student, shared_venv, "nbgrader", "list")
        assert "tp0" in listed.stdout + listed.stderr
        _as(STUDENT, student, shared_venv, "nbgrader", "fetch_assignment", "tp0")
        fetched = student / "tp0" / "tp0_mini.ipynb"
        assert fetched.exists()
        peek = _as(STUDENT, student, shared_venv, "cat", str(course / "source" / "tp0" / "tp0_mini.ipynb"), check=False)
        assert peek.returncode != 0, "the student can read the instructor's source"
        source_nb = nbformat.read(str(course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
        nbformat.write(fill(nbformat.read(str(fetched), as_version=4), source_nb), str(fetched))
        shutil.chown(fetched, STUDENT, STUDENT)
        _as(STUDENT, student, shared_venv, "nbgrader", "submit", "tp0")

        # the instructor: collect, grade (jailed, judged), feedback
        _as(INSTRUCTOR, teacher, shared_venv, "nbgrader", "collect", "tp0", cwd=course, env=t_env)
        assert (course / "submitted" / STUDENT / "tp0" / "tp0_mini.ipynb").exists()
        graded = _as(INSTRUCTOR, teacher, shared_venv, "tp-course", "--root", str(course), "grade",
                     str(course / "submitted"), cwd=course, env=t_env)
        row = [line for line in graded.stdout.splitlines() if line.startswith(STUDENT)]
        assert row and row[0].split()[1:4] == ["tp0", "2", "2"], graded.stdout
        _as(INSTRUCTOR, teacher, shared_venv, "nbgrader", "generate_feedback", "tp0", "--force", cwd=course, env=t_env)
        _as(INSTRUCTOR, teacher, shared_venv, "nbgrader", "release_feedback", "tp0", cwd=course, env=t_env)

        _as(STUDENT, student, shared_venv, "nbgrader", "fetch_feedback", "tp0")
        pages = list((student / "tp0" / "feedback").rglob("tp0_mini.html"))
        assert pages, "no feedback fetched"
        html = pages[0].read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "np.testing.assert_allclose" not in html
    finally:
        shutil.rmtree(base, ignore_errors=True)
