"""`tp-course check`: prove that each assignment grades what it should.

For every assignment:

1. the real pipeline (nbgrader autograde) on two simulated students: the
   instructor's solution must get full marks, the untouched release 0;
2. one kernel runs the source notebook, then every catalogue entry: its answer
   cell (solution + entry code) and the cells after it up to the last test
   cell concerned. A wrong answer must fail every test cell it names; an
   alternative correct answer must pass every test of its cell.
"""
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import catalogue as cat
from .build import assignments, source_and_release
from .grade import grade_simulated
from .grading.execute import JudgedCells
from .cells import grade_id, is_answer, is_test_cell, solution_text
from .students import fill


@dataclass
class EntryResult:
    name: str
    kind: str                      # "wrong" or "alternative"
    cell: str
    lost: dict = field(default_factory=dict)   # test grade_id -> points lost
    expected: tuple = ()
    ok: bool = False
    error: str = ""


def _points(cell):
    return float(cell.metadata.get("nbgrader", {}).get("points", 0))


def _failed(cell):
    """nbgrader's rule: a test cell fails if it raised or wrote to stderr (e.g. a RuntimeWarning)."""
    return any(o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
               for o in cell.get("outputs", []))


class _Client(JudgedCells, NotebookClient):
    """nbclient that judges test cells as grading does (outside the kernel, :mod:`.grading.judge`),
    without display-id updates: the harness runs copies of cells, which hold no displays."""

    def _update_display_id(self, display_id, msg):
        pass


class Harness:
    """One kernel on a source notebook; runs variants of its answer cells."""

    def __init__(self, source_path, env=None, timeout=120):
        self.path = Path(source_path)
        self.nb = nbformat.read(str(self.path), as_version=4)
        self.client = _Client(self.nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                     interrupt_on_timeout=True,
                                     resources={"metadata": {"path": str(self.path.parent)}})
        self._env = env
        self.answers = {grade_id(c): i for i, c in enumerate(self.nb.cells) if is_answer(c) and c.cell_type == "code"}
        self.tests = {grade_id(c): i for i, c in enumerate(self.nb.cells) if is_test_cell(c)}
        self._rundir = tempfile.mkdtemp(prefix="tp-check-")
        self.client._init_judging(self._rundir, self.nb.cells)

    def __enter__(self):
        # the kernel's own stderr (e.g. ipykernel's TCP notice) would clutter the check's table;
        # what a cell prints is still captured in its outputs
        # the kernel's IPython profile goes to the run directory, not the instructor's ~/.ipython
        env = dict(self._env or os.environ, IPYTHONDIR=os.path.join(self._rundir, "ipython"))
        kw = {"stderr": subprocess.DEVNULL, "env": env}
        self._ctx = self.client.setup_kernel(**kw)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._ctx.__exit__(*exc)
        finally:
            self.client._judge.close()
            shutil.rmtree(self._rundir, ignore_errors=True)

    def _run(self, cell, index):
        cell = nbformat.from_dict(dict(cell, outputs=[]))
        if cell.cell_type != "code":
            return cell
        original = self.nb.cells[index]
        if is_test_cell(cell):  # judged in this process, as at grading
            self.client._judge_cell(cell, grade_id(cell), f"cell {index}", self.client.timeout)
            return cell
        try:
            self.client.execute_cell(cell, index)
        finally:  # nbclient stores the executed cell in the notebook: keep the source notebook intact
            self.nb.cells[index] = original
        return cell

    def run_all(self):
        """Run the source notebook; returns {test grade_id: passed}."""
        result = {}
        for i, cell in enumerate(self.nb.cells):
            done = self._run(cell, i)
            if is_test_cell(cell):
                result[grade_id(cell)] = not _failed(done)
        return result

    def _range(self, start, stop):
        """Run cells start..stop with their original code (answer cells: solution only)."""
        for i in range(start, stop + 1):
            cell = self.nb.cells[i]
            if is_answer(cell) and cell.cell_type == "code":
                cell = nbformat.from_dict(dict(cell, source=solution_text(cell.source)))
            self._run(cell, i)

    def variant(self, cell_id, code, stop_tests, also=None):
        """Run answer ``cell_id`` as solution + ``code``, then the cells up to the last of ``stop_tests``.

        ``also`` maps later answer cells to code appended to their solution in the same way.
        Returns {test grade_id: passed} for every test cell run, then restores the solution.
        """
        also = dict(also or {}, **{cell_id: code})
        start = self.answers[cell_id]
        stop = max([self.tests[t] for t in stop_tests] + [start])
        result = {}
        for i in range(start, stop + 1):
            cell = self.nb.cells[i]
            if grade_id(cell) in also and is_answer(cell):
                src = solution_text(cell.source).rstrip() + "\n\n" + also[grade_id(cell)].strip() + "\n"
                cell = nbformat.from_dict(dict(cell, source=src))
            done = self._run(cell, i)
            if is_test_cell(cell):
                result[grade_id(cell)] = not _failed(done)
        self._range(start, stop)  # back to the solution for the next entry
        return result

    def own_tests(self, cell_id):
        """The test cells after answer ``cell_id`` and before the next answer cell."""
        start = self.answers[cell_id]
        later = [i for i in self.answers.values() if i > start]
        end = min(later) if later else len(self.nb.cells)
        return [gid for gid, i in self.tests.items() if start < i < end]


def run_catalogue(source_path, entries, env=None):
    """Run catalogue entries on one source notebook.

    Returns ({test grade_id: passed} for the solution, seconds the whole notebook took, [EntryResult]).
    """
    out = []
    with Harness(source_path, env) as h:
        t = time.time()
        base = h.run_all()
        base_seconds = time.time() - t
        taken = sorted(h.client._judge.from_kernel)
        if taken:  # the judge trusted the kernel for these: tag their cells "judge" (AUTHORING.md)
            print(f"note: {Path(source_path).name}: test cells read {', '.join(taken)} from the student's "
                  "kernel (not answers, not in a read-only cell tagged 'judge')")
        points = {gid: _points(h.nb.cells[i]) for gid, i in h.tests.items()}
        for e in entries:
            kind = "wrong" if isinstance(e, cat.Wrong) else "alternative"
            res = EntryResult(e.name, kind, e.cell)
            if e.cell not in h.answers:
                res.error = f"no answer cell '{e.cell}' in {Path(source_path).name}"
                out.append(res)
                continue
            expected = tuple(e.fails) if kind == "wrong" else tuple(h.own_tests(e.cell))
            keeps = tuple(e.keeps) if kind == "wrong" else ()
            also = dict(getattr(e, "also", {}) or {})
            missing = [t for t in expected + keeps if t not in h.tests]
            missing += [c for c in also if c not in h.answers or h.answers[c] < h.answers[e.cell]]
            if missing:
                res.error = f"no test cell or later answer cell {missing} in {Path(source_path).name}"
                out.append(res)
                continue
            try:
                passed = h.variant(e.cell, e.code, expected + keeps, also)
            except Exception as exc:  # a timeout or a dead kernel: say which entry did it
                res.error = f"could not run: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                out.append(res)
                continue
            res.expected = expected
            res.lost = {t: points[t] for t, ok in passed.items() if not ok}
            if kind == "wrong":
                uncaught = [t for t in expected if not res.lost.get(t)]
                charged_again = [t for t in keeps if t in res.lost]
                res.ok = not uncaught and not charged_again
                res.error = "; ".join(filter(None, [
                    uncaught and "passes " + ", ".join(uncaught),
                    charged_again and "also fails " + ", ".join(charged_again) + " (should keep its points)"]))
            else:
                res.ok = not res.lost
                if not res.ok:
                    res.error = "fails " + ", ".join(res.lost)
            out.append(res)
    return base, base_seconds, out


def _report(assignment, sol, blank, runs):
    """Print one assignment's check table; return how many checks failed."""
    ok_sol = sol.auto_max > 0 and sol.auto_score == sol.auto_max and not sol.flags
    ok_blank = blank.auto_score == 0 and not any(f.startswith("crash") for f in blank.flags)
    print(f"\n== {assignment} ==")
    print(f"  solution       {sol.auto_score:g}/{sol.auto_max:g}  {'OK' if ok_sol else 'FAIL ' + '; '.join(sol.flags)}")
    print(f"  blank release  {blank.auto_score:g}/{blank.auto_max:g}  {'OK' if ok_blank else 'FAIL ' + '; '.join(blank.flags)}")
    failures = (not ok_sol) + (not ok_blank)
    for base, seconds, entries in runs:
        print(f"  the source notebook runs top to bottom in {seconds:.1f} s")
        bad = [t for t, ok in base.items() if not ok]
        if bad:
            failures += 1
            print(f"  FAIL the solution fails {', '.join(bad)} in one kernel")
        print(f"  {'entry':34} {'kind':11} {'cell':22} {'points lost':>11}  result")
        for e in entries:
            failures += not e.ok
            print(f"  {e.name:34} {e.kind:11} {e.cell:22} {sum(e.lost.values()):>11g}  "
                  f"{'OK' if e.ok else f'FAIL ({e.error})'}")
        n_wrong = sum(e.kind == "wrong" for e in entries)
        print(f"  {n_wrong} wrong answers, {len(entries) - n_wrong} alternative correct answers")
        caught = {t for e in entries if e.kind == "wrong" and e.ok for t in e.lost}
        for t in sorted(set(base) - caught):  # a test no wrong answer fails is not a test yet
            failures += 1
            print(f"  FAIL no catalogued wrong answer fails {t}")
    return failures


def _catalogue_runs(root, tmp, env, a):
    """Run the catalogue of assignment ``a`` on the copies of its notebooks in ``tmp``."""
    c = cat.load(root, a)
    entries = c.wrong + c.alternatives
    notebooks = source_and_release(root, a)
    owner = {grade_id(c): name for name, src, _ in notebooks for c in src.cells if is_answer(c)}
    runs = []
    for i, (name, _, _) in enumerate(notebooks):
        # each entry runs on the notebook holding its cell; unknown cells are reported by the first
        mine = [e for e in entries if owner.get(e.cell, notebooks[0][0] if i == 0 else None) == name]
        runs.append(run_catalogue(Path(tmp) / "source" / a / name, mine, env=env))
    return a, runs


def check_course(root, chosen=None, workers=None, quiet=False):
    """`tp-course check`: print each assignment's table; return 1 if a check failed, else 0."""
    chosen = chosen or assignments(root)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        classes = {}
        for a in chosen:
            for name, src, rel in source_and_release(root, a):
                classes.setdefault(("ref_solution", a), {})[name] = fill(rel, src)
                classes.setdefault(("blank_release", a), {})[name] = fill(rel, src, blank="all")
        t = time.time()
        results, env = grade_simulated(root, tmp, classes, workers, progress=not quiet)
        print(f"nbgrader autograde of solution and blank release: {time.time() - t:.1f} s")
        by = {(r.student, r.assignment): r for r in results}

        # one process per assignment: each judge owns its process's warning filters and numpy state
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
            for a, runs in pool.map(partial(_catalogue_runs, root, tmp, env), chosen):
                failures += _report(a, by[("ref_solution", a)], by[("blank_release", a)], runs)
    print(f"\n{'all checks passed' if not failures else f'{failures} check(s) FAILED'}")
    return 1 if failures else 0
