"""Running nbgrader: its command line (one process, killed with all it started at a timeout),
its configuration read in this process, and the gradebook; the environment both get.

``course_env`` keeps Jupyter's folders out of the user's home; ``run`` is the only place that
starts an ``nbgrader`` process; ``load_config`` reads a course's ``nbgrader_config.py`` as
nbgrader would, for the converters run in this process (:mod:`tp_course.autograde`);
``gradebook`` opens the course's gradebook (``TP_COURSE_DB_URL``, else ``gradebook.db``).
"""
import functools
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def course_env(root, scratch=None, private=False):
    """Environment for nbgrader and kernels: Jupyter dirs kept out of the user's home.

    ``private``: a scratch copy of a course, with its own gradebook and exchange inside
    ``root`` (whatever ``TP_COURSE_DB_URL`` and ``TP_COURSE_EXCHANGE`` say here).
    """
    scratch = Path(scratch or Path(root) / "build" / "jupyter")
    env = dict(os.environ)
    if private:
        env.update(TP_COURSE_DB_URL=db_url(root, {}), TP_COURSE_EXCHANGE=exchange_root(root, {}))
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
            _kill(proc.pid)  # leftovers, e.g. a daemon forked by the command
        out.seek(max(0, out.seek(0, os.SEEK_END) - LOG_TAIL))
        text = out.read().decode("utf-8", "replace")
    done = subprocess.CompletedProcess(cmd, proc.returncode, text, "")
    done.timed_out = timed_out
    return done


def run(args, course_dir, env=None, check=True, log=None, timeout=None):
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


def db_url(course_dir, env=None):
    """The gradebook's URL (nbgrader_config.py reads it here): ``TP_COURSE_DB_URL`` of ``env``
    (default: this process's environment), else ``<course_dir>/gradebook.db``."""
    url = (os.environ if env is None else env).get("TP_COURSE_DB_URL")
    return url or "sqlite:///" + str(Path(course_dir) / "gradebook.db")


def exchange_root(course_dir, env=None):
    """nbgrader's exchange folder (nbgrader_config.py reads it here): ``TP_COURSE_EXCHANGE`` of
    ``env`` (default: this process's environment), else ``<course_dir>/exchange``."""
    path = (os.environ if env is None else env).get("TP_COURSE_EXCHANGE")
    return path or str(Path(course_dir) / "exchange")


@functools.lru_cache(maxsize=None)
def _alembic_head():
    """The revision nbgrader stamps a new gradebook with, read with alembic's Python API.

    nbgrader's own ``get_alembic_version`` runs the ``alembic`` command to get it: an
    interpreter start (about 2 s here) for every new gradebook, a worker's private ones
    included, and ``alembic`` must be on ``PATH``. The answer is a constant of the installed
    nbgrader, so this process asks alembic once.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini
    with _temp_alembic_ini("sqlite:///gradebook.db") as ini:
        return ScriptDirectory.from_config(Config(ini)).get_current_head()


def _in_process_alembic():
    """New gradebooks made in this process get their alembic stamp from :func:`_alembic_head`."""
    import nbgrader.api
    nbgrader.api.get_alembic_version = _alembic_head


def gradebook(course_dir, env=None):
    """nbgrader's Gradebook of the course (use it in a ``with`` block)."""
    from nbgrader.api import Gradebook
    _in_process_alembic()
    return Gradebook(db_url(course_dir, env))


def load_config(course_dir, **overrides):
    """The course's ``nbgrader_config.py`` read as nbgrader reads it, for a converter run here.

    ``overrides`` are ``"Section.name": value`` pairs set afterwards (a private gradebook...).
    """
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader
    _in_process_alembic()   # the converters run here may make a gradebook
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    for key, value in overrides.items():
        section, name = key.split(".")
        config[section][name] = value
    return config
