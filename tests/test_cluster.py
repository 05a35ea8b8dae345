"""Grading on Dask: a LocalCluster of 2 workers, and a `dask scheduler` with `dask worker` processes
on localhost, one of them killed mid-run. Scores equal a serial grading's (one process, no Dask);
every submission is recorded once; an unchanged submission is not regraded; --force regrades it."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import nbformat
import pytest

import tp_course.grade as g
from tp_course import catalogue as cat
from tp_course.build import prepare_course
from tp_course.nbgrader import gradebook
from tp_course.students import fill, simulated_class, write

BIN = Path(sys.executable).parent


def _class(course, slow=0):
    """The mini course's simulated class (solution, blank, wrong and alternative answers), plus
    ``slow`` solved submissions that sleep 3 s in their answer cell."""
    src = nbformat.read(str(course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    rel = nbformat.read(str(course / "release" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    nbs = simulated_class(src, rel, cat.load(course, "tp0"))
    for i in range(slow):
        nb = fill(rel, src)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "square":
                cell.source = "import time\ntime.sleep(3)\n" + cell.source
        nbs[f"slow_{i}"] = nb
    return nbs


def _submit(nbs, folder):
    for student, nb in nbs.items():
        write(nb, folder / student / "tp0" / "tp0_mini.ipynb")
    return folder


def _scores(results):
    return {(r.student, r.assignment): (r.auto_score, r.auto_max, sorted(r.cells.items())) for r in results}


@pytest.fixture
def counted(monkeypatch):
    """How many times the coordinator recorded each submission."""
    calls = {}
    real = g.record

    def record(course_dir, graded, *args, **kw):
        key = (graded.student, graded.assignment)
        calls[key] = calls.get(key, 0) + 1
        return real(course_dir, graded, *args, **kw)
    monkeypatch.setattr(g, "record", record)
    return calls


def test_local_cluster_grades_like_a_serial_run_and_regrades_only_what_changed(mini_course, tmp_path, counted):
    nbs = _class(mini_course)
    assert len(nbs) >= 5
    sub = _submit(nbs, tmp_path / "in")
    serial_env = prepare_course(mini_course, tmp_path / "serial")
    serial = g.grade(tmp_path / "serial", sub, workers=0, env=serial_env, progress=False, feedback=False)
    counted.clear()
    env = prepare_course(mini_course, tmp_path / "dask")
    on_dask = g.grade(tmp_path / "dask", sub, workers=2, env=env, progress=False)
    assert _scores(on_dask) == _scores(serial)
    assert {r.student: r.auto_score for r in on_dask}["ref_solution"] == 2
    assert any(r.auto_score == 0 for r in on_dask)           # the wrong answers lose their points
    assert set(counted.values()) == {1} and len(counted) == len(nbs)
    assert all(r.graded_now for r in on_dask)

    # again: nothing changed, nothing regraded, the same scores read from the gradebook
    counted.clear()
    again = g.grade(tmp_path / "dask", sub, workers=2, env=env, progress=False)
    assert counted == {} and not any(r.graded_now for r in again)
    assert _scores(again) == _scores(serial)
    # one student resubmits: only hers is regraded; --force regrades all
    src = nbformat.read(str(mini_course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    rel = nbformat.read(str(mini_course / "release" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    write(fill(rel, src), sub / "blank_release" / "tp0" / "tp0_mini.ipynb")
    later = {r.student: r for r in g.grade(tmp_path / "dask", sub, workers=2, env=env, progress=False)}
    assert counted == {("blank_release", "tp0"): 1}
    assert later["blank_release"].auto_score == 2 and later["blank_release"].graded_now
    counted.clear()
    g.grade(tmp_path / "dask", sub, workers=2, env=env, progress=False, feedback=False, force=True)
    assert len(counted) == len(nbs)


def _free_port():
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(cmd, log):
    return subprocess.Popen(cmd, stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}"))


def _stop(procs):
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def test_scheduler_and_worker_processes_survive_a_killed_worker(mini_course, tmp_path, counted):
    from dask.distributed import Client

    nbs = _class(mini_course, slow=4)
    sub = _submit(nbs, tmp_path / "in")
    serial_env = prepare_course(mini_course, tmp_path / "serial")
    serial = g.grade(tmp_path / "serial", sub, workers=0, env=serial_env, progress=False, feedback=False)
    counted.clear()

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                     "--no-dashboard"], tmp_path / "scheduler.log")]
    try:
        for i in range(2):
            procs.append(_start([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                 "--no-dashboard", "--name", f"w{i}", "--local-directory", str(tmp_path / f"w{i}")],
                                tmp_path / f"worker{i}.log"))
        with Client(address, timeout="60s") as watcher:
            watcher.wait_for_workers(2, timeout=120)
            env = prepare_course(mini_course, tmp_path / "cluster")
            out = {}
            grading = threading.Thread(target=lambda: out.setdefault("results", g.grade(
                tmp_path / "cluster", sub, env=env, progress=False, scheduler=address)))
            grading.start()
            victim = None
            end = time.monotonic() + 180
            while victim is None and time.monotonic() < end:   # a worker busy with a submission
                busy = [w for w, keys in watcher.processing().items() if keys]
                if busy and len(counted) >= 1:
                    victim = watcher.scheduler_info()["workers"][busy[0]]["name"]
                time.sleep(0.2)
            assert victim is not None, "no worker ever got a submission"
            os.killpg(procs[1 + int(str(victim)[1:])].pid, signal.SIGKILL)   # the worker and its nanny
            grading.join(600)
            assert not grading.is_alive()
        results = out["results"]
        assert _scores(results) == _scores(serial)
        assert len(counted) == len(nbs) and set(counted.values()) == {1}, counted
        assert not any(f.startswith("crash") for r in results for f in r.flags)
        with gradebook(tmp_path / "cluster", env) as gb:
            assert len(gb.find_assignment("tp0").submissions) == len(nbs)
    finally:
        _stop(procs[::-1])
        shutil.rmtree(tmp_path / "w0", ignore_errors=True)
