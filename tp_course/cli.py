"""`tp-course`: build, check, grade and demo the course from the command line.

    tp-course build [--check]          notebooks/ -> source/ -> release/ (or: say what is stale)
    tp-course check [-a tp1 ...]       solution full marks, blank 0, every wrong answer loses points
    tp-course grade SUBMITTED_DIR      autograde a class, feedback, score table and CSV
    tp-course demo                     build, simulate a small class, grade it, print the table
    tp-course live [--epochs 60 ...]   the class demo: a network learns while its plots redraw
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import nbformat

from . import build as b
from . import catalogue as cat
from .check import run_catalogue
from .grade import grade
from .report import format_table, write_csv, write_report
from .students import fill, grade_id, is_answer, simulated_class, write


def find_root(start=None):
    """The course root: the nearest folder up from ``start`` holding nbgrader_config.py and notebooks/."""
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "nbgrader_config.py").exists() and (d / "notebooks").is_dir():
            return d
    sys.exit(f"tp-course: no course here (no nbgrader_config.py and notebooks/ in {here} or above)")


def _notebooks(course_dir, assignment):
    """(name, source notebook, release notebook) for each notebook of an assignment."""
    out = []
    for src in sorted((Path(course_dir) / "source" / assignment).glob("*.ipynb")):
        rel = Path(course_dir) / "release" / assignment / src.name
        out.append((src.name, nbformat.read(str(src), as_version=4), nbformat.read(str(rel), as_version=4)))
    return out


def cmd_build(args):
    root = find_root(args.root)
    if args.check:
        problems = b.stale(root)
        print("\n".join(problems) if problems else "source/ and release/ are up to date.")
        return 1 if problems else 0
    t = time.time()
    done = b.build(root)
    print(f"built {', '.join(done)} in {time.time() - t:.1f} s: source/ and release/ updated.")
    return 0


def _grade_class(root, course_dir, classes, workers, progress=True):
    """Write simulated submissions {(student, assignment): {notebook: nb}} and grade them."""
    env = b.prepare_course(root, course_dir, only={a for _, a in classes})
    for (student, assignment), notebooks in classes.items():
        for name, nb in notebooks.items():
            write(nb, Path(course_dir) / "submitted" / student / assignment / name)
    return grade(course_dir, workers=workers, env=env, progress=progress), env


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
    notebooks = _notebooks(root, a)
    owner = {grade_id(c): name for name, src, _ in notebooks for c in src.cells if is_answer(c)}
    runs = []
    for i, (name, _, _) in enumerate(notebooks):
        # each entry runs on the notebook holding its cell; unknown cells are reported by the first
        mine = [e for e in entries if owner.get(e.cell, notebooks[0][0] if i == 0 else None) == name]
        runs.append(run_catalogue(Path(tmp) / "source" / a / name, mine, env=env))
    return a, runs


def cmd_check(args):
    root = find_root(args.root)
    chosen = args.assignment or b.assignments(root)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        classes = {}
        for a in chosen:
            for name, src, rel in _notebooks(root, a):
                classes.setdefault(("ref_solution", a), {})[name] = fill(rel, src)
                classes.setdefault(("blank_release", a), {})[name] = fill(rel, src, blank="all")
        t = time.time()
        results, env = _grade_class(root, tmp, classes, args.workers, progress=not args.quiet)
        print(f"nbgrader autograde of solution and blank release: {time.time() - t:.1f} s")
        by = {(r.student, r.assignment): r for r in results}

        # one process per assignment: each judge owns its process's warning filters and numpy state
        with ProcessPoolExecutor(max_workers=args.workers or os.cpu_count()) as pool:
            for a, runs in pool.map(partial(_catalogue_runs, root, tmp, env), chosen):
                failures += _report(a, by[("ref_solution", a)], by[("blank_release", a)], runs)
    print(f"\n{'all checks passed' if not failures else f'{failures} check(s) FAILED'}")
    return 1 if failures else 0


def cmd_grade(args):
    root = Path(args.course).resolve() if args.course else find_root(args.root)
    submitted = Path(args.submitted).resolve()
    if not submitted.is_dir():
        sys.exit(f"tp-course grade: {submitted} is not a folder of <student>/<assignment>/*.ipynb")
    t = time.time()
    results = grade(root, submitted, workers=args.workers)
    print(format_table(results))
    csv = write_csv(results, args.csv or root / "reports" / "grades.csv")
    write_report(results, Path(csv).with_suffix(".json"))
    print(f"\n{len(results)} submissions graded in {time.time() - t:.1f} s; scores in {csv}; feedback in {root / 'feedback'}")
    return 0


def cmd_demo(args):
    root = find_root(args.root)
    t = time.time()
    done = b.build(root)
    print(f"built {', '.join(done)} in {time.time() - t:.1f} s")
    course_dir = root / "build" / "demo"
    shutil.rmtree(course_dir, ignore_errors=True)
    classes = {}
    for a in done:
        for name, src, rel in _notebooks(root, a):
            for student, nb in simulated_class(src, rel, cat.load(root, a)).items():
                classes.setdefault((student, a), {})[name] = nb
    t = time.time()
    results, _ = _grade_class(root, course_dir, classes, args.workers)
    print(format_table(results))
    csv = write_csv(results, course_dir / "grades.csv")
    print(f"\n{len(results)} submissions graded in {time.time() - t:.1f} s; scores in {csv}; "
          f"feedback in {course_dir / 'feedback'}")
    print(f"to look at these submissions in the formgrader: {formgrader_command(course_dir)}")
    return 0


def formgrader_command(course_dir):
    """The shell command that opens ``course_dir``'s gradebook in the formgrader.

    The demo's folder is a course of its own (nbgrader_config.py, source/, release/,
    submitted/, autograded/, feedback/, gradebook.db), so JupyterLab started there shows its
    submissions: menu Nbgrader -> Formgrader, or the page /formgrader.
    """
    def short(path, start):  # relative when it stays near, else absolute
        rel = os.path.relpath(path, start)
        return str(path) if rel.startswith(os.pardir + os.sep + os.pardir + os.sep + os.pardir) else rel
    course_dir = Path(course_dir).resolve()
    jupyter = Path(sys.executable).with_name("jupyter")  # after the cd: relative to course_dir
    root = " --allow-root" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""  # Jupyter refuses root
    return (f"cd {short(course_dir, Path.cwd())} && "
            f"{short(jupyter, course_dir) if jupyter.exists() else 'jupyter'} lab{root}")


def cmd_student_bundle(args):
    from .bundle import student_bundle
    root = find_root(args.root)
    dest, warnings = student_bundle(root, Path(args.dest), args.assignments or None, make_zip=not args.no_zip)
    for w in warnings:
        print("warning:", w)
    print(f"student bundle in {dest}" + ("" if args.no_zip else f" and {dest.with_suffix('.zip')}"))
    return 0


def cmd_exchange(args):
    from .exchange import make_exchange, student_config
    root = make_exchange(args.path)
    print(f"exchange ready: {root} (mode 1777)\n"
          f"instructor: export TP_COURSE_EXCHANGE={root}\n"
          f"students: ~/.jupyter/nbgrader_config.py:\n{student_config(root)}")
    return 0


def cmd_live(args):
    from . import live_demo   # matplotlib and scikit-learn: only for this command
    return live_demo.main(args.rest)


def main(argv=None):
    p = argparse.ArgumentParser(prog="tp-course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", help="course root (default: found from the current folder)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("build", help="notebooks/ -> source/ -> release/")
    s.add_argument("--check", action="store_true", help="only say whether source/ and release/ are stale")
    s.set_defaults(func=cmd_build)
    s = sub.add_parser("check", help="solution full marks, blank 0, wrong answers lose points")
    s.add_argument("-a", "--assignment", action="append", help="only this assignment (repeatable)")
    s.add_argument("-w", "--workers", type=int, default=None, help="parallel nbgrader processes (default: cores)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("grade", help="autograde a class: <student>/<assignment>/*.ipynb")
    s.add_argument("submitted", help="folder of submissions in nbgrader's layout")
    s.add_argument("--course", help="course folder holding nbgrader_config.py and the gradebook (default: root)")
    s.add_argument("-w", "--workers", type=int, default=None, help="parallel nbgrader processes (default: cores)")
    s.add_argument("--csv", help="where to write the scores (default: reports/grades.csv)")
    s.set_defaults(func=cmd_grade)
    s = sub.add_parser("student-bundle", help="what students get: release notebooks, tp_utils, a README (+ zip)")
    s.add_argument("assignments", nargs="*", help="assignments to include (default: all)")
    s.add_argument("dest", help="folder to write (replaced); DEST.zip beside it")
    s.add_argument("--no-zip", action="store_true", help="only the folder")
    s.set_defaults(func=cmd_student_bundle)
    s = sub.add_parser("exchange", help="create nbgrader's exchange folder for instructor and students")
    s.add_argument("path", nargs="?", default="/srv/nbgrader/exchange")
    s.set_defaults(func=cmd_exchange)
    s = sub.add_parser("demo", help="build, simulate a small class, grade it")
    s.add_argument("-w", "--workers", type=int, default=None)
    s.set_defaults(func=cmd_demo)
    s = sub.add_parser("live", add_help=False, help="class demo: watch a network learn (tp-course live --help)")
    s.set_defaults(func=cmd_live)
    args, args.rest = p.parse_known_args(argv)   # `live` passes the rest to its own parser
    if args.rest and args.command != "live":
        p.error(f"unrecognized arguments: {' '.join(args.rest)}")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
