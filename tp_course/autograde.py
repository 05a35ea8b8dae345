"""Autograde one submission in any process (a Dask worker, or this one), and record the answer.

The work is split in two so that one process alone writes the gradebook:

- :func:`autograde` (the worker) gets a :class:`Kit` (the course's ``nbgrader_config.py`` and
  the assignment's ``source/`` folder, as bytes: nothing of the gradebook, no other
  submission) and one submission's files. It makes a private course in a scratch folder, with
  a gradebook of its own filled once per kit and process by nbgrader's GenerateAssignment,
  and runs nbgrader's Autograde there, in this process: one kernel start per notebook, in the
  jail, the tests judged outside the kernel (the preprocessors nbgrader_config.py names). It
  returns the autograded files (:class:`Graded`).
- :func:`record` (the coordinator) writes those files in the course's ``autograded/`` and
  their scores in the course's gradebook: nbgrader's Autograde again, with only its
  gradebook steps (SaveAutoGrades, AssignLatePenalties) and no kernel; :func:`feedback`
  then writes the submission's feedback page.

A worker runs in the course's Python environment (the same ``tp-course`` installed): the kit
brings the course, ``TP_COURSE_*`` grading settings included.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .nbgrader import course_env, gradebook, load_config

# the coordinator's settings a worker grades with (nbgrader_config.py reads them)
SETTINGS = ("TP_COURSE_JAIL", "TP_COURSE_CELL_TIMEOUT", "TP_COURSE_MEMORY_LIMIT_MB",
            "TP_COURSE_NOTEBOOK_TIMEOUT")
IGNORED = (".ipynb_checkpoints", "__pycache__")
RECORD_FOLDER = ".tp_course_record"   # in the course: what record() hands to nbgrader


@dataclass(frozen=True)
class Kit:
    """What a worker needs to grade one assignment of a course."""
    assignment: str
    files: tuple        # ((path relative to the course, bytes), ...)
    settings: tuple     # ((name, value), ...) of SETTINGS
    digest: str         # of all the above and of the grader's own code


@dataclass
class Graded:
    """A worker's answer for one submission."""
    student: str
    assignment: str
    digest: str                                  # of the kit and the submission: what was graded
    files: dict = field(default_factory=dict)   # autograded/<student>/<assignment>/ path -> bytes
    error: str = ""                              # why nothing can be recorded ("" if graded)
    timed_out: bool = False
    log: str = ""
    seconds: float = 0.0
    worker: str = ""


def _files(folder):
    """``[(relative path, bytes)]`` of a folder, sorted, without checkpoints and caches."""
    folder = Path(folder)
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and not set(p.relative_to(folder).parts) & set(IGNORED)]


def _digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        for name, data in part:
            h.update(f"{name}\0{len(data)}\0".encode())
            h.update(data if isinstance(data, bytes) else str(data).encode())
    return h.hexdigest()


_CODE = _digest(_files(Path(__file__).parent))   # a change of the grader regrades everything


def make_kit(course_dir, assignment, env=None):
    """The :class:`Kit` of one assignment of the course in ``course_dir``."""
    course_dir, env = Path(course_dir), env or os.environ
    files = [("nbgrader_config.py", (course_dir / "nbgrader_config.py").read_bytes())]
    files += [(f"source/{assignment}/{name}", data) for name, data in _files(course_dir / "source" / assignment)]
    settings = tuple(sorted((k, env[k]) for k in SETTINGS if env.get(k)))
    return Kit(assignment, tuple(files), settings, _digest(files, settings, [("code", _CODE)]))


def submission_digest(kit, files):
    """What a grade depends on: the kit and the submission's files (``[(path, bytes)]``)."""
    return _digest([("kit", kit.digest)], files)


@contextmanager
def _environment(values):
    """``os.environ`` updated with ``values`` for the block, then as it was."""
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _quiet_nbgrader():
    """nbgrader's update_or_create_submission trips SQLAlchemy's autoflush warning at every
    submission: harmless, and hundreds of lines in the instructor's terminal."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session.*")
        yield


def _capture(name):
    """A logger whose records go to a string buffer (returned with it)."""
    buffer = io.StringIO()
    logger = logging.getLogger(f"tp_course.autograde.{name}")
    logger.handlers[:] = [logging.StreamHandler(buffer)]
    logger.handlers[0].setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, buffer


def _convert(converter, config, logger, assignment, student=None):
    """Run the nbgrader converter class ``converter`` (Autograde, GenerateAssignment,
    GenerateFeedback) here, with ``--force``, on one assignment (and one student)."""
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config, log=logger)
    coursedir.assignment_id = assignment
    if student is not None:
        coursedir.student_id = student
    app = converter(coursedir=coursedir, config=config, log=logger)
    app.force = True
    app.start()


# ------------------------------------------------------------------------------------ the worker
_courses = {}                 # kit digest -> (private course folder, its environment), in this process
_one_at_a_time = threading.Lock()   # a private gradebook has one writer


def _private_course(kit):
    """The scratch course of ``kit`` in this process (made, and its gradebook filled, once)."""
    if kit.digest in _courses:
        return _courses[kit.digest]
    from nbgrader.converters import GenerateAssignment

    root = Path(tempfile.mkdtemp(prefix=f"tp-worker-{kit.assignment}-"))
    for name, data in kit.files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    env = course_env(root, root / ".jupyter", private=True)
    env.update(dict(kit.settings))
    logger, buffer = _capture("generate")
    with _environment(env):
        _convert(GenerateAssignment, load_config(root), logger, kit.assignment)
    _courses[kit.digest] = root, env
    return root, env


def _kill_new_children(before):
    """SIGKILL the processes this one started since ``before`` (kernels and their jails)."""
    from .nbgrader import _descendants, _kill
    for pid in set(_descendants(os.getpid())) - before:
        _kill(pid, ())


def autograde(kit, student, files, timeout=1800):
    """Autograde one submission here; returns a :class:`Graded` (never raises for a bad submission).

    Parameters
    ----------
    kit : Kit
    student : str
    files : list of (str, bytes)
        The submission's folder ``submitted/<student>/<assignment>/``, as made by
        :func:`tp_course.grade.stage_submissions` (no links, sizes capped).
    timeout : float
        Seconds the whole submission may take; then its kernel is killed and nothing is recorded.
    """
    from nbgrader.converters import Autograde

    start = time.monotonic()
    out = Graded(student, kit.assignment, submission_digest(kit, files),
                 worker=f"{socket.gethostname()}:{os.getpid()}")
    with _one_at_a_time:
        root, env = _private_course(kit)
        for folder in ("submitted", "autograded"):
            shutil.rmtree(root / folder / student, ignore_errors=True)
        sub = root / "submitted" / student / kit.assignment
        sub.mkdir(parents=True)
        for name, data in files:
            path = (sub / name).resolve()
            if sub.resolve() not in path.parents:
                continue   # staging never makes such a name; a forged job cannot write elsewhere
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        logger, buffer = _capture(f"{student}.{kit.assignment}")
        failure = []

        def run():
            try:
                with _environment(env), _quiet_nbgrader():
                    _convert(Autograde, load_config(root), logger, kit.assignment, student)
            except BaseException as exc:   # nbgrader says what failed in the log
                failure.append(f"{type(exc).__name__}: {exc}")

        from .nbgrader import _descendants
        before = set(_descendants(os.getpid()))
        thread = threading.Thread(target=run, name=f"autograde-{student}", daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            out.timed_out = True
            out.error = f"grading timed out after {timeout:g} s: not graded"
            _kill_new_children(before)
            thread.join(60)
        elif failure:
            out.error = "nbgrader could not grade this submission: " + failure[0].splitlines()[0][:300]
        graded = root / "autograded" / student / kit.assignment
        if not out.error and graded.is_dir():
            out.files = dict(_files(graded))
        if not out.error and not any(name.endswith(".ipynb") for name in out.files):
            out.error = "nbgrader wrote no autograded notebook"
        out.log = buffer.getvalue()
        for folder in ("submitted", "autograded"):
            shutil.rmtree(root / folder / student, ignore_errors=True)
    out.seconds = time.monotonic() - start
    return out


# ------------------------------------------------------------------------------- the coordinator
def recording_config(course_dir):
    """nbgrader's Autograde configured to record autograded notebooks: no kernel, no rebuild."""
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, SaveAutoGrades
    return load_config(course_dir, **{
        "CourseDirectory.root": str(course_dir),
        "CourseDirectory.submitted_directory": RECORD_FOLDER,
        "Autograde.sanitize_preprocessors": [],
        "Autograde.autograde_preprocessors": [SaveAutoGrades, AssignLatePenalties, CheckCellMetadata],
    })


def record(course_dir, graded, config=None, env=None):
    """Write a worker's :class:`Graded` in the course: ``autograded/`` and the gradebook.

    Only the coordinator calls this (one writer). The notebooks are the worker's; every other
    file (``timestamp.txt``, ``submission_secret.txt``, data) is the course's copy in
    ``submitted/``. Raises if nbgrader cannot record it.
    """
    from nbgrader.converters import Autograde

    course_dir = Path(course_dir)
    stage = course_dir / RECORD_FOLDER / graded.student / graded.assignment
    shutil.rmtree(course_dir / RECORD_FOLDER, ignore_errors=True)
    # the submission's other files (timestamp.txt, nbgrader's submission_secret.txt that
    # release_feedback needs, data) from the course's own cleaned copy; notebooks from the worker
    submitted = course_dir / "submitted" / graded.student / graded.assignment
    if submitted.is_dir():
        shutil.copytree(submitted, stage, symlinks=True, ignore=shutil.ignore_patterns("*.ipynb"))
    stage.mkdir(parents=True, exist_ok=True)
    for name, data in graded.files.items():
        if name.endswith(".ipynb") and "/" not in name:
            (stage / name).write_bytes(data)
    logger, buffer = _capture("record")
    config = config or recording_config(course_dir)
    with _environment(env or {}), _quiet_nbgrader():
        try:
            _convert(Autograde, config, logger, graded.assignment, graded.student)
        except BaseException as exc:
            raise RuntimeError(f"could not record {graded.student}/{graded.assignment}: {exc}\n"
                               f"{buffer.getvalue()[-3000:]}") from exc
        finally:
            shutil.rmtree(course_dir / RECORD_FOLDER, ignore_errors=True)


def feedback(course_dir, config, env, student, assignment):
    """nbgrader's GenerateFeedback of one recorded submission, here; "" or why it failed."""
    from nbgrader.converters import GenerateFeedback

    logger, buffer = _capture("feedback")
    with _environment(env):
        try:
            _convert(GenerateFeedback, config, logger, assignment, student)
        except BaseException as exc:
            return f"feedback failed: {exc} " + buffer.getvalue()[-300:].replace("\n", " ")
    return ""


def record_empty(course_dir, student, assignment, env=None):
    """A submission with no notebook to grade: in the gradebook, every auto-graded cell scores 0
    (what nbgrader's Autograde does for a missing notebook)."""
    with gradebook(course_dir, env) as gb, _quiet_nbgrader():
        gb.update_or_create_submission(assignment, student)
        for notebook in gb.find_assignment(assignment).notebooks:
            for grade in gb.find_submission_notebook(notebook.name, assignment, student).grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gb.db.commit()
