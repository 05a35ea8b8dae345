"""`tp-course demo`: the whole pipeline on a simulated class, in ``build/demo``."""
import os
import shutil
import sys
import time
from pathlib import Path

from . import catalogue as cat
from .build import build, source_and_release
from .grade import grade_simulated
from .report import format_table, write_csv
from .students import simulated_class


def demo(root, workers=None):
    """`tp-course demo`: build the course, simulate a class from the catalogue, grade it in
    ``build/demo`` (a course of its own), print the table and how to open it in the formgrader."""
    t = time.time()
    done = build(root)
    print(f"built {', '.join(done)} in {time.time() - t:.1f} s")
    course_dir = root / "build" / "demo"
    shutil.rmtree(course_dir, ignore_errors=True)
    classes = {}
    for a in done:
        for name, src, rel in source_and_release(root, a):
            for student, nb in simulated_class(src, rel, cat.load(root, a)).items():
                classes.setdefault((student, a), {})[name] = nb
    t = time.time()
    results, _ = grade_simulated(root, course_dir, classes, workers)
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
