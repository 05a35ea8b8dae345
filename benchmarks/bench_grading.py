"""How close is grading a class to merely running its notebooks? (a benchmark, not a test)

A simulated class: ``--students`` students x the assignments (default tp1-tp4); student i
hands in, for each assignment, the i-th (modulo) of the catalogue's simulated students
(solution, blank, another correct way, wrong answers, a cheater), so scores vary.

- **execution**: each notebook as the grader runs it (the submission's cells, the test cells
  of the instructor's source, hidden tests included) executed top to bottom by nbclient in a
  fresh kernel, no jail, no judge, no nbgrader, ``--workers`` notebooks at once;
- **grading**: ``tp_course.grade.grade`` of the whole class on a LocalCluster of
  ``--workers`` processes: the jail (bubblewrap), the judge outside the kernel, the
  gradebook, the feedback pages.

It prints both times and grading / execution (target <= 1.5), then how long re-grading the
unchanged class takes (nothing to do but compare digests and read the gradebook).

Run: ``python benchmarks/bench_grading.py [--students 100] [--assignments tp1 tp2 tp3 tp4]``
"""
import argparse
import copy
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=100)
    p.add_argument("--assignments", nargs="+", default=["tp1", "tp2", "tp3", "tp4"])
    p.add_argument("--workers", type=int, default=os.cpu_count())
    return p.parse_args(argv)


def simulated(root, assignments, students):
    """{(student, assignment, notebook name): (submitted notebook, notebook as graded)}."""
    from tp_course import catalogue as cat
    from tp_course.build import source_and_release
    from tp_course.cells import grade_id, is_test_cell
    from tp_course.students import simulated_class

    out = {}
    for a in assignments:
        for name, src, rel in source_and_release(root, a):
            variants = list(simulated_class(src, rel, cat.load(root, a)).values())
            tests = {grade_id(c): c.source for c in src.cells if is_test_cell(c)}
            for i in range(students):
                nb = variants[i % len(variants)]
                graded = copy.deepcopy(nb)
                for cell in graded.cells:
                    if grade_id(cell) in tests:
                        cell.source = tests[grade_id(cell)]
                out[(f"s{i:03d}", a, name)] = (nb, graded)
    return out


def execute(nb, attempts=3):
    """Run one notebook top to bottom in a fresh kernel (1 BLAS thread, as the grader's).

    A kernel that fails to start (two kernels drew the same free port, a start timeout on a
    loaded machine) is started again, as the grader does."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    from tp_course.grading.jail import kernel_env
    for attempt in range(attempts):
        with tempfile.TemporaryDirectory() as work:
            client = NotebookClient(copy.deepcopy(nb), kernel_name="python3", allow_errors=True, timeout=60,
                                    resources={"metadata": {"path": work}})
            try:
                client.execute(env=dict(kernel_env(), HOME=work, IPYTHONDIR=os.path.join(work, "ipython")),
                               cwd=work)
                return len(nb.cells)
            except (DeadKernelError, RuntimeError, TimeoutError):
                if attempt == attempts - 1:
                    raise


def main(args):
    sys.path.insert(0, str(ROOT))
    from tp_course.build import prepare_course
    from tp_course.grade import grade
    from tp_course.students import write

    print(f"a class of {args.students} students x {', '.join(args.assignments)}; {args.workers} workers")
    subs = simulated(ROOT, args.assignments, args.students)
    notebooks = [graded for _, graded in subs.values()]
    t = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(execute, notebooks, chunksize=1))
    t_exec = time.perf_counter() - t
    print(f"execution: {len(notebooks)} notebooks in {t_exec:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        env = prepare_course(ROOT, course, only=set(args.assignments))
        for (student, a, name), (nb, _) in subs.items():
            write(nb, Path(tmp) / "in" / student / a / name)
        t = time.perf_counter()
        results = grade(course, Path(tmp) / "in", workers=args.workers, env=env, progress=False)
        t_grade = time.perf_counter() - t
        crashed = [r for r in results if any(f.startswith(("crash", "grading timed out")) for f in r.flags)]
        print(f"grading:   {len(results)} submissions in {t_grade:.1f} s (jail on: TP_COURSE_JAIL="
              f"{env.get('TP_COURSE_JAIL', 'bwrap')}), feedback included; {len(crashed)} not graded")
        t = time.perf_counter()
        again = grade(course, Path(tmp) / "in", workers=args.workers, env=env, progress=False)
        t_again = time.perf_counter() - t
        print(f"re-grading the unchanged class: {t_again:.1f} s "
              f"({sum(r.graded_now for r in again)} regraded)")
    ratio = t_grade / t_exec
    print(f"grading / execution = {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'})")
    return ratio


if __name__ == "__main__":
    main(parse())
