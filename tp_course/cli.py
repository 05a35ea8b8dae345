"""`tp-course`: build, check, grade and demo the course from the command line.

    tp-course build [--check]          notebooks/ -> source/ -> release/ (or: say what is stale)
    tp-course check [-a tp1 ...]       solution full marks, blank 0, every wrong answer loses points
    tp-course grade SUBMITTED_DIR      autograde a class (what changed; --force: all) on a local Dask
                                       cluster or --scheduler tcp://HOST:PORT; feedback, table, CSV
    tp-course demo                     build, simulate a small class, grade it, print the table
    tp-course live [--epochs 60 ...]   the class demo: a network learns while its plots redraw
"""
import argparse
import sys
import time
from pathlib import Path

from . import build as b
from .grade import grade
from .report import summary


def find_root(start=None):
    """The course root: the nearest folder up from ``start`` holding nbgrader_config.py and notebooks/."""
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "nbgrader_config.py").exists() and (d / "notebooks").is_dir():
            return d
    sys.exit(f"tp-course: no course here (no nbgrader_config.py and notebooks/ in {here} or above)")


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


def cmd_check(args):
    from .check import check_course
    return check_course(find_root(args.root), args.assignment, args.workers, args.quiet)


def cmd_grade(args):
    root = Path(args.course).resolve() if args.course else find_root(args.root)
    submitted = Path(args.submitted).resolve()
    if not submitted.is_dir():
        sys.exit(f"tp-course grade: {submitted} is not a folder of <student>/<assignment>/*.ipynb")
    t = time.time()
    results = grade(root, submitted, workers=args.workers, scheduler=args.scheduler, force=args.force)
    print(summary(results, time.time() - t, args.csv or root / "reports" / "grades.csv", root / "feedback"))
    return 0


def cmd_demo(args):
    from .demo import demo
    return demo(find_root(args.root), args.workers)


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
    s.add_argument("-w", "--workers", type=int, default=None,
                   help="worker processes of the local Dask cluster (default: cores; 0: in this process)")
    s.add_argument("--scheduler", help="tcp://HOST:PORT of a running Dask scheduler: grade on its workers")
    s.add_argument("--force", action="store_true", help="regrade every submission, changed or not")
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
