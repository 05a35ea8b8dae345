"""Grade a class: nbgrader autograde for every submission, several at once.

Layout (nbgrader's): ``<submitted>/<student>/<assignment>/<notebook>.ipynb``.
One broken submission never stops the others: it is reported with a reason.
"""
import csv
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from .build import course_env, nbgrader
from .defenses import read_flags


@dataclass
class Result:
    """One student's result on one assignment."""
    student: str
    assignment: str
    auto_score: float = 0.0      # points of auto-graded cells
    auto_max: float = 0.0
    manual_max: float = 0.0      # points waiting for a human (written answers)
    cells: dict = field(default_factory=dict)   # grade_id -> (score, max_score)
    flags: list = field(default_factory=list)   # readable problems: cheat suspicion, timeout, crash, missing file
    feedback: str = ""


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


def _autograde(course_dir, env, student, assignment, logs):
    log = logs / f"autograde-{student}-{assignment}.log"
    args = ["autograde", assignment, "--student", student, "--force"]
    proc = nbgrader(args, course_dir, env, check=False, log=log)
    if proc.returncode != 0 and "database is locked" in proc.stdout + proc.stderr:
        proc = nbgrader(args, course_dir, env, check=False, log=log)  # SQLite was busy: once more
    return proc.returncode, log


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
                else:
                    result.manual_max += g.max_score
                if g.cell.cell_type == "code" and g.needs_manual_grade:
                    result.flags.append(f"needs manual grade [{g.name}]: a test cell could not be auto-graded")
    return result


def _gradebook(course_dir, env):
    """nbgrader's Gradebook; it runs `alembic`, which lives beside this Python."""
    from nbgrader.api import Gradebook
    os.environ["PATH"] = env["PATH"]
    return Gradebook(db_url(course_dir, env))


def ensure_in_gradebook(course_dir, env, assignments):
    """Register the assignments the gradebook does not know yet (``nbgrader generate_assignment``)."""
    with _gradebook(course_dir, env) as gb:
        known = {a.name for a in gb.assignments}
    for a in assignments:
        if a not in known:
            nbgrader(["generate_assignment", a, "--force"], course_dir, env)


def grade(course_dir, submitted=None, workers=None, env=None, progress=True, feedback=True):
    """Autograde every submission in ``<course_dir>/submitted`` (copied from ``submitted`` first).

    Returns a list of :class:`Result`, one per (student, assignment), sorted.
    """
    course_dir = Path(course_dir).resolve()
    env = env or course_env(course_dir)
    target = course_dir / "submitted"
    if submitted is not None and Path(submitted).resolve() != target:
        shutil.copytree(submitted, target, dirs_exist_ok=True)
    jobs = sorted((s.name, a.name) for s in target.iterdir() if s.is_dir() and not s.name.startswith(".")
                  for a in s.iterdir() if a.is_dir() and not a.name.startswith("."))
    logs = course_dir / "logs"
    logs.mkdir(exist_ok=True)
    ensure_in_gradebook(course_dir, env, sorted({a for _, a in jobs if expected_notebooks(course_dir, a)}))
    problems = {job: inspect_submission(course_dir, target / job[0], job[1]) for job in jobs}
    workers = workers or os.cpu_count() or 1

    def run(job):
        return job, _autograde(course_dir, env, *job, logs)

    outcome = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for job, (code, log) in tqdm(pool.map(run, jobs), total=len(jobs), desc="autograde",
                                     unit="submission", disable=not progress):
            outcome[job] = (code, log)
    if feedback:
        for assignment in sorted({a for _, a in jobs}):
            proc = nbgrader(["generate_feedback", assignment, "--force"], course_dir, env, check=False,
                            log=logs / f"feedback-{assignment}.log")
            if proc.returncode != 0:  # one bad notebook must not cost the others their feedback
                for student in sorted({s for s, a in jobs if a == assignment}):
                    nbgrader(["generate_feedback", assignment, "--student", student, "--force"],
                             course_dir, env, check=False, log=logs / f"feedback-{student}-{assignment}.log")
    results = []
    for student, assignment in jobs:
        code, log = outcome[(student, assignment)]
        res = read_scores(course_dir, env, student, assignment) or Result(student, assignment)
        res.flags = problems[(student, assignment)] + _flags_from_notebooks(course_dir, student, assignment) + res.flags
        if code != 0:
            res.flags.append(f"crash: nbgrader could not grade this submission (see {log})")
        html = sorted((course_dir / "feedback" / student / assignment).glob("*.html"))
        res.feedback = ", ".join(str(p) for p in html)
        results.append(res)
    return results


def write_csv(results, path):
    """One row per student and assignment: scores, flags, where the feedback is."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "auto_score", "auto_max", "manual_max", "flags", "feedback"])
        for r in results:
            w.writerow([r.student, r.assignment, f"{r.auto_score:g}", f"{r.auto_max:g}", f"{r.manual_max:g}",
                        " | ".join(r.flags), r.feedback])
    return path


def _short_flags(flags):
    """One phrase per kind of flag: the first in full, then how many more (the CSV has them all)."""
    groups = {}
    for f in flags:
        groups.setdefault(f.split(":")[0], []).append(f)
    return "; ".join(g[0] + (f" (+{len(g) - 1} more)" if len(g) > 1 else "") for g in groups.values())


def format_table(results):
    """The class at a glance: one line per student and assignment."""
    rows = [("student", "assignment", "auto", "max", "written", "flags")]
    for r in results:
        rows.append((r.student, r.assignment, f"{r.auto_score:g}", f"{r.auto_max:g}",
                     f"{r.manual_max:g} to grade" if r.manual_max else "-",
                     _short_flags(r.flags) if r.flags else "ok"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_report(results, path):
    path = Path(path)
    path.write_text(json.dumps([r.__dict__ for r in results], indent=1, sort_keys=True))
    return path
