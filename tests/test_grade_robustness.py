"""One submission cannot stall or abort the grading of a class.

The safe copy of submissions (links, FIFOs, sockets, size cap), the subprocess runner
(output to a file, timeout, process group), and a class with a submission over its budget.
"""
import os
import socket
import sys
import time
from pathlib import Path

import pytest

from tp_course import grade as g
from tp_course.report import format_table
from tp_course.nbgrader import course_env, run_logged


def _alive(pid):
    """Whether ``pid`` runs (a zombie waiting for a reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _gone(pid, within=5.0):
    end = time.time() + within
    while _alive(pid) and time.time() < end:
        time.sleep(0.05)
    return not _alive(pid)


def _class(tmp_path):
    """A class folder: one honest student, one with every kind of bad entry, and bad folders."""
    sub = tmp_path / "in"
    ada = sub / "ada" / "tp0"
    (ada / "data").mkdir(parents=True)
    (ada / "tp0_mini.ipynb").write_text("{}")
    (ada / "data" / "x.csv").write_text("1,2\n")
    eve = sub / "eve" / "tp0"
    (eve / "sub").mkdir(parents=True)
    (eve / "tp0_mini.ipynb").write_text("{}")
    (eve / "big.bin").write_bytes(b"x" * 5000)
    os.symlink("/nonexistent/target", eve / "dangling")
    os.symlink("/etc/passwd", eve / "passwd.ipynb")
    os.symlink("/etc", eve / "etc")
    os.symlink("../../ada", eve / "sub" / "up")
    os.mkfifo(eve / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(eve / "sock"))
    sock.close()
    os.symlink("/etc", sub / "mallory")              # a student folder that is a link
    (sub / "trudy").mkdir()
    os.symlink("/etc", sub / "trudy" / "tp0")        # an assignment folder that is a link
    (sub / "--student=ada").mkdir()                  # a name that would be an nbgrader option
    (sub / "notes.txt").write_text("not a student")
    return sub


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_copy_keeps_regular_files_and_flags_the_rest(tmp_path):
    sub, out = _class(tmp_path), tmp_path / "out"
    found = g.stage_submissions(sub, out, max_bytes=1000)
    assert _tree(out) == ["ada", "ada/tp0", "ada/tp0/data", "ada/tp0/data/x.csv", "ada/tp0/tp0_mini.ipynb",
                          "eve", "eve/tp0", "eve/tp0/sub", "eve/tp0/tp0_mini.ipynb", "trudy", "trudy/tp0"]
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert found[("ada", "tp0")] == []
    assert sorted(found[("eve", "tp0")]) == [
        "file skipped: eve/tp0/big.bin (0.0 MB): a submission is capped at 0.001 MB and 10000 files",
        "special file removed: eve/tp0/pipe (FIFO, socket or device; only regular files are graded)",
        "special file removed: eve/tp0/sock (FIFO, socket or device; only regular files are graded)",
        "symlink removed: eve/tp0/dangling -> /nonexistent/target",
        "symlink removed: eve/tp0/etc -> /etc",
        "symlink removed: eve/tp0/passwd.ipynb -> /etc/passwd",
        "symlink removed: eve/tp0/sub/up -> ../../ada",
    ]
    assert found[("trudy", "tp0")] == ["symlink removed: trudy/tp0 -> /etc"]
    assert found[("mallory", "-")][0].startswith("symlink removed: mallory -> /etc: ")
    assert found[("--student=ada", "-")][0].startswith("folder name not allowed")
    assert set(found) == {("ada", "tp0"), ("eve", "tp0"), ("trudy", "tp0"), ("mallory", "-"), ("--student=ada", "-")}


def test_copy_replaces_an_earlier_submission_and_cleans_in_place(tmp_path):
    sub, out = _class(tmp_path), tmp_path / "out"
    (out / "ada" / "tp0").mkdir(parents=True)
    (out / "ada" / "tp0" / "old.ipynb").write_text("{}")
    os.symlink("/etc", out / "ada" / "tp0" / "link")
    g.stage_submissions(sub, out)
    assert sorted(p.name for p in (out / "ada" / "tp0").iterdir()) == ["data", "tp0_mini.ipynb"]

    found = g.stage_submissions(sub)  # in place: what is flagged is removed from the folder itself
    assert len(found[("eve", "tp0")]) == 6 and found[("ada", "tp0")] == []
    assert not any(p.is_symlink() or not (p.is_dir() or p.is_file()) for p in sub.rglob("*"))
    assert (sub / "trudy" / "tp0").is_dir() and not (sub / "mallory").exists()
    assert (sub / "eve" / "tp0" / "big.bin").exists() and Path("/etc/passwd").exists()


def test_runner_does_not_wait_for_a_grandchild_holding_the_output(tmp_path):
    log = tmp_path / "run.log"
    t = time.time()
    proc = run_logged(["sh", "-c", "sleep 600 & echo grandchild $!; echo parent done"], log=log, timeout=60)
    assert time.time() - t < 20
    assert proc.returncode == 0 and not proc.timed_out
    assert "parent done" in proc.stdout and proc.stdout == log.read_text()
    assert _gone(int(proc.stdout.split()[1])), "the grandchild left in the process group is killed"


def test_runner_kills_the_whole_process_group_at_the_timeout(tmp_path):
    # a grandchild in the group, and one in a session of its own (as Jupyter starts a kernel)
    script = ("import subprocess, sys, time\n"
              "a = subprocess.Popen(['sleep', '600'])\n"
              "b = subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
              "print(a.pid, b.pid, flush=True)\n"
              "time.sleep(600)\n")
    t = time.time()
    proc = run_logged([sys.executable, "-c", script], log=tmp_path / "run.log", timeout=2)
    assert time.time() - t < 20
    assert proc.timed_out and proc.returncode != 0
    assert "killed after 2 s" in proc.stdout
    for pid in map(int, proc.stdout.split()[:2]):
        assert _gone(pid), pid


def test_a_slow_or_linked_submission_does_not_stop_the_class(mini_course, tmp_path, monkeypatch):
    """A submission over its time budget is stopped on its worker (its kernel killed) and not
    recorded; the links of the others are removed; the honest one is graded meanwhile."""
    import nbformat
    from tp_course.students import fill, write
    course = mini_course
    src = nbformat.read(str(course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    rel = nbformat.read(str(course / "release" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    sub = _class(tmp_path)
    solved = fill(rel, src)
    write(solved, sub / "ada" / "tp0" / "tp0_mini.ipynb")
    for cell in solved.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "square":
            cell.source = "import time\ntime.sleep(600)\n" + cell.source
    write(solved, sub / "slow" / "tp0" / "tp0_mini.ipynb")
    monkeypatch.setenv("TP_COURSE_CELL_TIMEOUT", "300")     # the cell would run for 600 s:
    monkeypatch.setenv("TP_COURSE_AUTOGRADE_TIMEOUT", "10")  # the submission's budget stops it
    env = course_env(course)
    t = time.time()
    by = {(r.student, r.assignment): r for r in g.grade(course, sub, env=env, progress=False, workers=2)}
    assert time.time() - t < 120
    assert set(by) == {("ada", "tp0"), ("eve", "tp0"), ("trudy", "tp0"), ("slow", "tp0"),
                       ("mallory", "-"), ("--student=ada", "-")}
    assert any(f.startswith("grading timed out after 10 s") for f in by[("slow", "tp0")].flags)
    assert by[("slow", "tp0")].auto_score == 0 and by[("slow", "tp0")].cells == {}
    assert by[("ada", "tp0")].auto_score == 2, by[("ada", "tp0")].flags
    assert not any("timed out" in f or "crash" in f for f in by[("ada", "tp0")].flags)
    assert any(f.startswith("symlink removed: eve/tp0/passwd.ipynb") for f in by[("eve", "tp0")].flags)
    assert by[("trudy", "tp0")].flags[:2] == ["symlink removed: trudy/tp0 -> /etc", "missing file: tp0_mini.ipynb"]
    from tp_course.nbgrader import gradebook
    from nbgrader.api import MissingEntry
    with gradebook(course, env) as gb:
        with pytest.raises(MissingEntry):
            gb.find_submission("tp0", "slow")
    assert not (course / "submitted" / "eve" / "tp0" / "passwd.ipynb").exists()
    assert format_table(list(by.values())).count("\n") == 7
