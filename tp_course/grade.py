"""Grade a class: nbgrader autograde for every submission, several at once.

Layout (nbgrader's): ``<submitted>/<student>/<assignment>/<notebook>.ipynb``.
One broken submission never stops the others: it is reported with a reason.

Students are attackers: their folders are copied without following any link
(links, FIFOs and device files are removed and flagged, the size of a submission
is capped) and every nbgrader process has a timeout. Settings (environment):

``TP_COURSE_AUTOGRADE_TIMEOUT``
    seconds one nbgrader process may take (one submission's autograde, one
    assignment's feedback), default 1800;
``TP_COURSE_MAX_SUBMISSION_MB``
    megabytes copied per submission (student and assignment), default 100.
"""
import csv
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from .build import course_env, nbgrader, stop_all
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


AUTOGRADE_TIMEOUT = 1800          # seconds, per nbgrader process
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


def db_url(course_dir, env):
    return env.get("TP_COURSE_DB_URL") or "sqlite:///" + str(Path(course_dir) / "gradebook.db")


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


def _autograde(course_dir, env, student, assignment, logs, timeout=None):
    """``nbgrader autograde`` of one submission; returns the finished process and its log."""
    log = logs / f"autograde-{student}-{assignment}.log"
    args = ["autograde", assignment, f"--student={student}", "--force"]
    proc = nbgrader(args, course_dir, env, check=False, log=log, timeout=timeout)
    if proc.returncode > 0 and ("database is locked" in proc.stdout or "UNIQUE constraint failed" in proc.stdout):
        proc = nbgrader(args, course_dir, env, check=False, log=log, timeout=timeout)  # SQLite was busy: once more
    return proc, log


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
    with _gradebook(course_dir, env) as gb:
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


def _gradebook(course_dir, env):
    """nbgrader's Gradebook; it runs `alembic`, which lives beside this Python."""
    from nbgrader.api import Gradebook
    os.environ["PATH"] = env["PATH"]
    return Gradebook(db_url(course_dir, env))


def ensure_in_gradebook(course_dir, env, assignments, timeout=None):
    """Register the assignments the gradebook does not know yet (``nbgrader generate_assignment``)."""
    with _gradebook(course_dir, env) as gb:
        known = {a.name for a in gb.assignments}
    for a in assignments:
        if a not in known:
            nbgrader(["generate_assignment", a, "--force"], course_dir, env, timeout=timeout)


def grade(course_dir, submitted=None, workers=None, env=None, progress=True, feedback=True,
          timeout=None, max_mb=None):
    """Autograde every submission in ``<course_dir>/submitted`` (copied from ``submitted`` first).

    Parameters
    ----------
    course_dir : path
        The course: nbgrader_config.py, source/, the gradebook.
    submitted : path, optional
        Submissions to copy into ``<course_dir>/submitted`` first (see :func:`stage_submissions`).
    workers : int, optional
        nbgrader processes at once (default: the number of cores).
    env : dict, optional
        Environment of nbgrader (default: :func:`tp_course.build.course_env`).
    progress, feedback : bool
        Show a progress bar; write the HTML feedback.
    timeout : float, optional
        Seconds one nbgrader process may take before it is killed with all it
        started (default: ``TP_COURSE_AUTOGRADE_TIMEOUT``, else 1800).
    max_mb : float, optional
        Megabytes copied per submission (default: ``TP_COURSE_MAX_SUBMISSION_MB``, else 100).

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
    workers = workers or os.cpu_count() or 1

    def run(job):
        return job, _autograde(course_dir, env, *job, logs, timeout)

    runnable = [job for job in jobs if job[1] in known]  # for the others, inspect_submission says why
    # one writer creates the students: two autograde processes of one new student would race
    with _gradebook(course_dir, env) as gb:
        for student in sorted({s for s, _ in runnable}):
            gb.update_or_create_student(student)
    outcome = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for job, done in tqdm(pool.map(run, runnable), total=len(runnable),
                                  desc="autograde", unit="submission", disable=not progress):
                outcome[job] = done
        except BaseException:  # e.g. Ctrl-C, which nbgrader, in a session of its own, does not get
            pool.shutdown(wait=False, cancel_futures=True)
            stop_all()
            raise
    late = {}  # (student, assignment) -> flag, for feedback that timed out
    if feedback:
        for assignment in known:
            proc = nbgrader(["generate_feedback", assignment, "--force"], course_dir, env, check=False,
                            log=logs / f"feedback-{assignment}.log", timeout=timeout)
            if proc.returncode != 0:  # one bad notebook must not cost the others their feedback
                for student in sorted({s for s, a in outcome if a == assignment}):
                    log = logs / f"feedback-{student}-{assignment}.log"
                    proc = nbgrader(["generate_feedback", assignment, f"--student={student}", "--force"],
                                    course_dir, env, check=False, log=log, timeout=timeout)
                    if proc.timed_out:
                        late[(student, assignment)] = f"feedback timed out after {timeout:g} s (see {log})"
    results = [Result(s, a, flags=flags) for (s, a), flags in staged.items() if a == "-"]
    for student, assignment in jobs:
        proc, log = outcome.get((student, assignment), (None, None))
        flags = problems[(student, assignment)]
        if proc is not None and proc.timed_out:  # the gradebook may hold an older score: not this one's
            res = Result(student, assignment)
            flags.append(f"grading timed out after {timeout:g} s: not graded (see {log})")
        else:
            res = read_scores(course_dir, env, student, assignment) or Result(student, assignment)
            flags += _flags_from_notebooks(course_dir, student, assignment) + res.flags
            if proc is not None and proc.returncode != 0:
                flags.append(f"crash: nbgrader could not grade this submission (see {log})")
        res.flags = flags + ([late[(student, assignment)]] if (student, assignment) in late else [])
        html = sorted((course_dir / "feedback" / student / assignment).glob("*.html"))
        res.feedback = ", ".join(str(p) for p in html)
        results.append(res)
    return sorted(results, key=lambda r: (r.student, r.assignment))


def write_csv(results, path):
    """One row per student and assignment: scores, flags, where the feedback is."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "auto_score", "auto_max", "manual_max", "manual_score", "to_grade",
                    "to_grade_max", "flags", "feedback"])
        for r in results:
            w.writerow([r.student, r.assignment, f"{r.auto_score:g}", f"{r.auto_max:g}", f"{r.manual_max:g}",
                        f"{r.manual_score:g}", r.to_grade, f"{r.to_grade_max:g}", " | ".join(r.flags), r.feedback])
    return path


def _short_flags(flags):
    """One phrase per kind of flag: the first in full, then how many more (the CSV has them all)."""
    groups = {}
    for f in flags:
        groups.setdefault(f.split(":")[0], []).append(f)
    return "; ".join(g[0] + (f" (+{len(g) - 1} more)" if len(g) > 1 else "") for g in groups.values())


def _written(r):
    """The written answers of one result: what is left for a human, else their score."""
    if r.to_grade:
        return f"{r.to_grade} to grade ({r.to_grade_max:g} pt{'' if r.to_grade_max == 1 else 's'})"
    return f"{r.manual_score:g}/{r.manual_max:g}" if r.manual_max else "-"


def format_table(results):
    """The class at a glance: one line per student and assignment.

    "written" says how many written answers wait for a human and their points ("3 to grade
    (5 pts)"), or, when none does, their score ("0/5": blank answers, scored 0 by nbgrader).
    """
    rows = [("student", "assignment", "auto", "max", "written", "flags")]
    for r in results:
        rows.append((r.student, r.assignment, f"{r.auto_score:g}", f"{r.auto_max:g}", _written(r),
                     _short_flags(r.flags) if r.flags else "ok"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_report(results, path):
    path = Path(path)
    path.write_text(json.dumps([r.__dict__ for r in results], indent=1, sort_keys=True))
    return path
