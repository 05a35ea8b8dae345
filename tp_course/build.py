"""Build: notebooks/<a>/<name>.py -> source/<a>/<name>.ipynb -> release/<a>/<name>.ipynb.

``notebooks/`` is what authors edit (jupytext percent format); ``source/`` and
``release/`` are generated and committed. ``stale()`` says which generated
files differ from what a fresh build would write.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def assignments(root):
    """Assignment ids with at least one notebook, sorted: ``["tp1", "tp2", ...]``."""
    base = Path(root) / "notebooks"
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob("*.py")))


def notebook_sources(root, assignment):
    """The jupytext files of one assignment, sorted."""
    return sorted((Path(root) / "notebooks" / assignment).glob("*.py"))


def to_ipynb(py_path):
    """Read a jupytext percent file into an nbgrader source notebook (no outputs)."""
    nb = jupytext.read(py_path, fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    for i, cell in enumerate(nb.cells):  # stable ids: a rebuild changes nothing
        cell["id"] = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{i:03d}"
    return nb


def _dumps(nb):
    return nbformat.writes(nb) + "\n"


def course_env(root, scratch=None):
    """Environment for nbgrader and kernels: Jupyter dirs kept out of the user's home."""
    scratch = Path(scratch or Path(root) / "build" / "jupyter")
    env = dict(os.environ)
    for name in ("config", "data", "runtime"):
        path = scratch / name
        path.mkdir(parents=True, exist_ok=True)
        env[f"JUPYTER_{name.upper()}_DIR"] = str(path)
    env.pop("JUPYTER_PATH", None)
    # nbgrader runs `alembic` and kernels from the same environment as this Python
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(MPLBACKEND="Agg", PYTHONHASHSEED="0", OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    # the kernel must import tp_utils / tp_course even from a copy of the course elsewhere
    here = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = here + os.pathsep + env.get("PYTHONPATH", "")
    return env


LOG_TAIL = 2_000_000   # bytes of a log read back into memory (the end, where errors are)


def _descendants(pid):
    """Every live descendant of ``pid``, read from /proc (empty elsewhere than Linux)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _kill(group, pids=()):
    """SIGKILL the process group ``group`` and the processes ``pids``; ignore those already gone."""
    for kill, target in [(os.killpg, group), *((os.kill, p) for p in pids)]:
        try:
            kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


_running = set()   # commands of run_logged still running, for stop_all()


def stop_all():
    """Kill every command :func:`run_logged` is running (e.g. on Ctrl-C: they are not in the
    terminal's process group, so they do not get its SIGINT)."""
    for proc in list(_running):
        _kill(proc.pid, _descendants(proc.pid))


def run_logged(cmd, cwd=None, env=None, log=None, timeout=None):
    """Run ``cmd`` with its output in a file, never a pipe; kill all it started when done.

    A grandchild that keeps the output open (a kernel, a student's ``fork``)
    cannot make the caller wait: only the command itself is waited for.

    Parameters
    ----------
    cmd : list of str
    cwd, env
        As for :class:`subprocess.Popen`.
    log : path, optional
        File that receives stdout and stderr (interleaved). Default: a temporary file.
    timeout : float, optional
        Seconds after which the command and everything it started are killed.

    Returns
    -------
    subprocess.CompletedProcess
        ``stdout`` holds the log text (its last ``LOG_TAIL`` bytes), ``stderr``
        is empty, and ``timed_out`` says whether the command was killed at the timeout.

    Notes
    -----
    The command runs in a session of its own. At the timeout (or on an exception
    such as KeyboardInterrupt) its process group and all its descendants get
    SIGKILL, including those in sessions of their own such as Jupyter kernels;
    after a normal exit, whatever is left in its process group does.
    """
    with open(log, "w+b") if log is not None else tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        _running.add(proc)
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            out.write(f"\n[tp-course: killed after {timeout:g} s]\n".encode())
        finally:  # on a timeout, or an exception such as KeyboardInterrupt
            if proc.poll() is None:
                _kill(proc.pid, _descendants(proc.pid))
                proc.wait()
            _running.discard(proc)
            _kill(proc.pid)  # leftovers, e.g. a daemon forked by the command
        out.seek(max(0, out.seek(0, os.SEEK_END) - LOG_TAIL))
        text = out.read().decode("utf-8", "replace")
    done = subprocess.CompletedProcess(cmd, proc.returncode, text, "")
    done.timed_out = timed_out
    return done


def nbgrader(args, course_dir, env=None, check=True, log=None, timeout=None):
    """Run ``nbgrader <args>`` in ``course_dir`` (which holds nbgrader_config.py).

    Output goes to the file ``log`` (default: a temporary file), and is also the
    returned process's ``stdout``; ``timeout`` (seconds) kills it and all it
    started (see :func:`run_logged`).
    """
    exe = Path(sys.executable).with_name("nbgrader")
    cmd = [str(exe) if exe.exists() else "nbgrader", *args]
    proc = run_logged(cmd, cwd=course_dir, env=env or course_env(course_dir), log=log, timeout=timeout)
    if check and proc.returncode != 0:
        why = f"timed out after {timeout:g} s" if proc.timed_out else "failed"
        raise RuntimeError(f"`{' '.join(args)}` {why} in {course_dir}:\n{proc.stdout}")
    return proc


def write_sources(root, out=None):
    """Write ``source/<a>/<name>.ipynb`` for every jupytext file; returns the paths written."""
    root, out = Path(root), Path(out or root)
    written = []
    for a in assignments(root):
        for py in notebook_sources(root, a):
            dest = out / "source" / a / (py.stem + ".ipynb")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(_dumps(to_ipynb(py)))
            written.append(dest)
    return written


def prepare_course(root, course_dir, source=None, only=None):
    """Make ``course_dir`` a course of its own: the config, ``source/`` and a fresh gradebook.

    ``source`` defaults to ``root/source``; ``only`` limits it to some assignments.

    The gradebook gets every assignment (``nbgrader generate_assignment``), so the
    copy can release, autograde and give feedback without touching ``root``.
    """
    root, course_dir = Path(root), Path(course_dir)
    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", course_dir / "nbgrader_config.py")
    if (course_dir / "source").exists():
        shutil.rmtree(course_dir / "source")
    shutil.copytree(Path(source or root / "source"), course_dir / "source")
    env = course_env(course_dir, course_dir / ".jupyter")
    env["TP_COURSE_DB_URL"] = "sqlite:///" + str(course_dir / "gradebook.db")
    env["TP_COURSE_EXCHANGE"] = str(course_dir / "exchange")
    for a in sorted(p.name for p in (course_dir / "source").iterdir() if p.is_dir()):
        if only is None or a in only:
            nbgrader(["generate_assignment", a, "--force"], course_dir, env)
    return env


def build(root):
    """Sources -> source/ -> release/ in the repository ``root``."""
    root = Path(root)
    write_sources(root)
    with tempfile.TemporaryDirectory() as tmp:
        prepare_course(root, tmp)
        if (root / "release").exists():
            for a in assignments(root):
                shutil.rmtree(root / "release" / a, ignore_errors=True)
        shutil.copytree(Path(tmp) / "release", root / "release", dirs_exist_ok=True)
    return assignments(root)


def _tree(path):
    path = Path(path)
    return {p.relative_to(path).as_posix(): p.read_text() for p in sorted(path.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def _without_ids(nb):
    for cell in nb.get("cells", []):
        cell.pop("id", None)
    return nb


def _same(a, b, name):
    """Equal files; notebooks are compared as JSON, cell ids aside (JupyterLab renews them)."""
    if name.endswith(".ipynb"):
        return _without_ids(json.loads(a)) == _without_ids(json.loads(b))
    return a == b


def stale(root):
    """Generated files that differ from a fresh build: a list of readable lines (empty if fresh)."""
    root = Path(root)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        write_sources(root, tmp)
        prepare_course(root, Path(tmp) / "course", source=Path(tmp) / "source")
        # compare source/ with what jupytext writes, release/ with what nbgrader writes
        for folder, fresh_dir in (("source", Path(tmp) / "source"), ("release", Path(tmp) / "course" / "release")):
            fresh, committed = _tree(fresh_dir), _tree(root / folder)
            committed = {k: v for k, v in committed.items() if k.split("/")[0] in assignments(root)}
            for name in sorted(set(fresh) | set(committed)):
                if name not in committed:
                    problems.append(f"{folder}/{name} is missing: run `tp-course build`")
                elif name not in fresh:
                    problems.append(f"{folder}/{name} has no notebook in notebooks/: remove it or add its source")
                elif not _same(fresh[name], committed[name], name):
                    problems.append(f"{folder}/{name} is stale: run `tp-course build` "
                                    f"(or, if you edited the .ipynb, sync it with `jupytext --sync`)")
    return problems
