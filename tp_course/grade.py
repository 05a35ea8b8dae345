"""Grade a class: every submission autograded by long-lived workers, one writer of the gradebook.

Layout (nbgrader's): ``<submitted>/<student>/<assignment>/<notebook>.ipynb``.
One broken submission never stops the others: it is reported with a reason.

The coordinator (this process) stages the submissions, sends each one that changed since
its last grade to a worker (:mod:`tp_course.cluster`: Dask, a LocalCluster by default),
records the workers' answers in the gradebook and writes the feedback, as they arrive
(:mod:`tp_course.autograde`). A submission is regraded when its files, its assignment's
source, the course's configuration or the grader's code changed (``force=True``: all).

Students are attackers: their folders are copied without following any link
(links, FIFOs and device files are removed and flagged, the size of a submission
is capped) and every submission has a time budget. Settings (environment):

``TP_COURSE_AUTOGRADE_TIMEOUT``
    seconds one submission may take on its worker, default 1800;
``TP_COURSE_MAX_SUBMISSION_MB``
    megabytes copied per submission (student and assignment), default 100.
"""
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from .autograde import _environment, _files, autograde, feedback as write_feedback, make_kit, record
from .autograde import record_empty, recording_config, submission_digest
from .nbgrader import course_env, gradebook, run as nbgrader
from .grading.flags import read_flags
from .grading.staging import copy_folder, link_target


@dataclass
class Result:
    """One student's result on one assignment."""
    student: str
    assignment: str
    auto_score: float = 0.0      # points of auto-graded cells
    auto_max: float = 0.0
    manual_max: float = 0.0      # points of the written answers (graded by a human)
    cells: dict = field(default_factory=dict)   # grade_id -> (score, max_score)
    flags: list = field(default_factory=list)   # readable problems: cheat suspicion, timeout, crash, missing file
    feedback: str = ""
    manual_score: float = 0.0    # points of the written answers graded so far (0 for a blank one)
    to_grade: int = 0            # written answers waiting for a human (nbgrader's needs_manual_grade)
    to_grade_max: float = 0.0    # their points
    graded_now: bool = True      # False: unchanged since its last grade, read from the gradebook


AUTOGRADE_TIMEOUT = 1800          # seconds, per submission
MAX_SUBMISSION_MB = 100           # per submission
MAX_FILES = 10_000                # per submission
NAME = re.compile(r"[\w .@+-]+")   # a student or assignment folder name nbgrader can take as is (no glob)


def _setting(env, name, default):
    return float((env or {}).get(name) or os.environ.get(name) or default)


def stage_submissions(src, dst=None, max_bytes=MAX_SUBMISSION_MB * 1e6, max_files=MAX_FILES):
    """Copy ``src/<student>/<assignment>/...`` to ``dst`` safely (``dst=None``: clean ``src`` in place).

    No link is followed: links, FIFOs, sockets and device files are left out,
    and so are files beyond ``max_bytes`` / ``max_files`` per submission. A copied
    submission replaces the one in ``dst``. Hidden names and files beside the
    student and assignment folders are ignored.

    Returns
    -------
    dict
        ``{(student, assignment): [flag, ...]}`` for every submission found. A
        student folder that is a link, or has a name nbgrader cannot take, is
        reported as ``(student, "-")`` and not copied; an assignment folder that
        is a link becomes an empty submission (graded 0, with the flag).
    """
    src = Path(src)
    dst = None if dst is None or Path(dst).resolve() == src.resolve() else Path(dst)
    found = {}
    for student in sorted(os.scandir(src), key=lambda e: e.name):
        if student.name.startswith("."):
            continue
        if not NAME.fullmatch(student.name) or student.name.startswith("-"):
            found[(student.name, "-")] = [(f"folder name not allowed: {student.name!r} (letters, digits, "
                                           f"space and . @ + - _ only): nothing graded")]
            continue
        if student.is_symlink():
            found[(student.name, "-")] = [(f"symlink removed: {student.name} -> {link_target(student.path)}: "
                                           f"a student folder must be a real folder, nothing graded")]
            if dst is None:
                os.unlink(student.path)
            continue
        if not student.is_dir(follow_symlinks=False):
            continue  # a stray file, not a student
        try:
            folders = sorted(os.scandir(student.path), key=lambda e: e.name)
        except OSError as exc:
            found[(student.name, "-")] = [f"unreadable folder: {student.name} ({exc.strerror})"]
            continue
        for a in folders:
            if a.name.startswith(".") or not (a.is_symlink() or a.is_dir(follow_symlinks=False)):
                continue
            key, rel = (student.name, a.name), Path(student.name, a.name)
            try:
                out = None if dst is None else _fresh_dir(dst, rel)
                if a.is_symlink():
                    found[key] = [f"symlink removed: {rel} -> {link_target(a.path)}"]
                    if dst is None:  # leave an empty submission, graded 0
                        os.unlink(a.path)
                        os.mkdir(a.path)
                else:
                    found[key] = copy_folder(Path(a.path), out, rel, max_bytes, max_files)
            except OSError as exc:
                found[key] = [f"could not copy the submission: {exc}"]
    return found


def _fresh_dir(root, rel):
    """An empty folder ``root/rel``; links on the way are removed, never followed."""
    path = Path(root)
    for part in rel.parts:
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def expected_notebooks(course_dir, assignment):
    return sorted(p.name for p in (Path(course_dir) / "source" / assignment).glob("*.ipynb"))


def inspect_submission(course_dir, student_dir, assignment):
    """Problems nbgrader would not explain well: missing, renamed, unreadable notebooks."""
    expected = expected_notebooks(course_dir, assignment)
    if not expected:
        return [f"unknown assignment '{assignment}' (not in source/)"]
    folder = Path(student_dir) / assignment
    given = sorted(p.name for p in folder.glob("*.ipynb"))
    problems = []
    for name in expected:
        path = folder / name
        if not path.exists():
            extra = [g for g in given if g not in expected]
            hint = f" (found {', '.join(extra)}: renamed? it must be called {name})" if extra else ""
            problems.append(f"missing file: {name}{hint}")
            continue
        try:
            nb = nbformat.read(str(path), as_version=4)
            nbformat.validate(nb)
        except UnicodeDecodeError:
            try:  # the grading defenses read such a file as Latin-1
                nbformat.reads(path.read_bytes().decode("latin-1"), as_version=4)
                problems.append(f"encoding: {name} is not UTF-8 text (graded as Latin-1; accents may be wrong)")
            except Exception:
                problems.append(f"unreadable: {name} is not UTF-8 text, nor a notebook")
        except Exception as exc:  # invalid JSON or not a notebook
            problems.append(f"unreadable: {name} is not a valid notebook ({str(exc).splitlines()[0][:120]})")
    return problems


def _flags_from_notebooks(course_dir, student, assignment):
    """The flags the grading defenses left in the autograded notebooks, as readable lines."""
    flags = []
    for path in sorted((Path(course_dir) / "autograded" / student / assignment).glob("*.ipynb")):
        for flag in read_flags(path):
            where = f" [{flag['cell']}]" if flag.get("cell") else ""
            flags.append(f"{flag.get('flag')}{where}: {flag.get('detail', '')}".strip())
    return flags


def read_scores(course_dir, env, student, assignment):
    """Per-cell scores of one submission from the gradebook."""
    from nbgrader.api import MissingEntry
    result = Result(student, assignment)
    with gradebook(course_dir, env) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        for nb in sub.notebooks:
            for g in nb.grades:
                auto = g.cell.cell_type == "code" and g.auto_score is not None and not g.needs_manual_grade
                result.cells[g.name] = (float(g.score or 0.0), float(g.max_score))
                if g.cell.cell_type == "code":
                    result.auto_max += g.max_score
                    result.auto_score += float(g.score or 0.0) if auto else 0.0
                else:  # a written answer: a blank one was scored 0 by nbgrader, it needs no human
                    result.manual_max += g.max_score
                    if g.needs_manual_grade:
                        result.to_grade += 1
                        result.to_grade_max += g.max_score
                    else:
                        result.manual_score += float(g.score or 0.0)
                if g.cell.cell_type == "code" and g.needs_manual_grade:
                    result.flags.append(f"needs manual grade [{g.name}]: a test cell could not be auto-graded")
    return result


def ensure_in_gradebook(course_dir, env, assignments, timeout=None):
    """Register the assignments the gradebook does not know yet (``nbgrader generate_assignment``)."""
    with gradebook(course_dir, env) as gb:
        known = {a.name for a in gb.assignments}
    for a in assignments:
        if a not in known:
            nbgrader(["generate_assignment", a, "--force"], course_dir, env, timeout=timeout)


DIGESTS = "autograded/.tp_course_digests.json"   # what each recorded grade was computed from


def _digests(course_dir):
    path = Path(course_dir) / DIGESTS
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _save_digests(course_dir, digests):
    path = Path(course_dir) / DIGESTS
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(digests, indent=0, sort_keys=True))
    os.replace(tmp, path)


def _workers(jobs, workers, scheduler, timeout):
    """The workers' answers, as they finish: in this process (``workers=0``), or on Dask."""
    if workers == 0 and not scheduler:
        for kit, student, files in jobs:
            yield autograde(kit, student, files, timeout)
        return
    from .cluster import connect, graded
    with connect(scheduler, workers) as client:
        yield from graded(client, jobs, timeout)


def grade(course_dir, submitted=None, workers=None, env=None, progress=True, feedback=True,
          timeout=None, max_mb=None, scheduler=None, force=False):
    """Autograde every submission in ``<course_dir>/submitted`` (copied from ``submitted`` first).

    Parameters
    ----------
    course_dir : path
        The course: nbgrader_config.py, source/, the gradebook.
    submitted : path, optional
        Submissions to copy into ``<course_dir>/submitted`` first (see :func:`stage_submissions`).
    workers : int, optional
        Worker processes of the LocalCluster (default: the number of cores); 0 grades in this
        process, one submission after the other.
    env : dict, optional
        Environment of nbgrader (default: :func:`tp_course.nbgrader.course_env`).
    progress, feedback : bool
        Show a progress bar; write the HTML feedback.
    timeout : float, optional
        Seconds one submission may take on its worker before its kernel is killed and
        nothing is recorded (default: ``TP_COURSE_AUTOGRADE_TIMEOUT``, else 1800).
    max_mb : float, optional
        Megabytes copied per submission (default: ``TP_COURSE_MAX_SUBMISSION_MB``, else 100).
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler: grade on its workers.
    force : bool
        Regrade the submissions that did not change since their last grade too.

    Returns
    -------
    list of Result
        One per (student, assignment), sorted; a student folder that could not be
        graded at all has assignment ``"-"``.
    """
    course_dir = Path(course_dir).resolve()
    env = env or course_env(course_dir)
    timeout = timeout or _setting(env, "TP_COURSE_AUTOGRADE_TIMEOUT", AUTOGRADE_TIMEOUT)
    max_bytes = (max_mb or _setting(env, "TP_COURSE_MAX_SUBMISSION_MB", MAX_SUBMISSION_MB)) * 1e6
    target = course_dir / "submitted"
    target.mkdir(exist_ok=True)
    staged = stage_submissions(target, max_bytes=max_bytes)  # earlier runs' folders, cleaned in place
    if submitted is not None and Path(submitted).resolve() != target:
        staged.update(stage_submissions(submitted, target, max_bytes=max_bytes))
    jobs = sorted(job for job in staged if job[1] != "-")
    known = sorted({a for _, a in jobs if expected_notebooks(course_dir, a)})
    logs = course_dir / "logs"
    logs.mkdir(exist_ok=True)
    ensure_in_gradebook(course_dir, env, known, timeout)
    problems = {job: staged[job] + inspect_submission(course_dir, target / job[0], job[1]) for job in jobs}

    kits = {a: make_kit(course_dir, a, env) for a in known}
    digests = {} if force else _digests(course_dir)
    todo, unchanged = [], set()
    for student, assignment in jobs:
        if assignment not in known:
            continue   # inspect_submission says why
        files = _files(target / student / assignment)
        digest = submission_digest(kits[assignment], files)
        done = sorted((course_dir / "autograded" / student / assignment).glob("*.ipynb"))
        if digests.get(f"{student}/{assignment}") == digest and done:
            unchanged.add((student, assignment))
        else:
            todo.append((kits[assignment], student, files))
    with gradebook(course_dir, env) as gb:   # one writer creates the students
        for student in sorted({s for _, s, _ in todo}):
            gb.update_or_create_student(student)
    with _environment(env):
        config = recording_config(course_dir)
    outcome, feedback_problems = {}, {}
    for graded in tqdm(_workers(todo, workers, scheduler, timeout), total=len(todo), desc="autograde",
                       unit="submission", disable=not progress):
        key = (graded.student, graded.assignment)
        outcome[key] = graded
        (logs / f"autograde-{graded.student}-{graded.assignment}.log").write_text(graded.log)
        digests.pop(f"{graded.student}/{graded.assignment}", None)
        if not graded.error:
            record(course_dir, graded, config, env)
            digests[f"{graded.student}/{graded.assignment}"] = graded.digest
        elif problems[key] and not graded.timed_out:   # missing or unreadable: it scores 0
            record_empty(course_dir, *key, env)
        _save_digests(course_dir, digests)
        if feedback and not graded.error:
            feedback_problems[key] = write_feedback(course_dir, config, env, *key)

    results = [Result(s, a, flags=flags) for (s, a), flags in staged.items() if a == "-"]
    for student, assignment in jobs:
        key = (student, assignment)
        graded, flags = outcome.get(key), problems[key]
        log = logs / f"autograde-{student}-{assignment}.log"
        if graded is not None and graded.error and (graded.timed_out or not problems[key]):
            res = Result(student, assignment)   # the gradebook may hold an older score: not this one's
            flags.append(f"{graded.error} (see {log})" if graded.timed_out
                         else f"crash: {graded.error} (see {log})")
        else:
            res = read_scores(course_dir, env, student, assignment) or Result(student, assignment)
            flags += _flags_from_notebooks(course_dir, student, assignment) + res.flags
        res.graded_now = key not in unchanged
        res.flags = flags + ([feedback_problems[key]] if feedback_problems.get(key) else [])
        html = sorted((course_dir / "feedback" / student / assignment).glob("*.html"))
        res.feedback = ", ".join(str(p) for p in html)
        results.append(res)
    return sorted(results, key=lambda r: (r.student, r.assignment))


def grade_simulated(root, course_dir, classes, workers=None, progress=True):
    """Make ``course_dir`` a course of its own (see :func:`tp_course.build.prepare_course`), write the
    simulated submissions ``{(student, assignment): {notebook name: nb}}`` there and grade them.

    Returns (results, the course's environment).
    """
    from .build import prepare_course
    from .students import write
    env = prepare_course(root, course_dir, only={a for _, a in classes})
    for (student, assignment), notebooks in classes.items():
        for name, nb in notebooks.items():
            write(nb, Path(course_dir) / "submitted" / student / assignment / name)
    return grade(course_dir, workers=workers, env=env, progress=progress), env
