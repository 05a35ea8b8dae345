"""The student bundle: release notebooks and tp_utils, no answer, no instructor code.

- no solution line nor hidden-test line of source/ is in any file of the bundle (except where
  a later TP's release shows an earlier answer: the bundle command warns, and says so);
- an environment made from the bundle alone installs, cannot import tp_course, and runs every
  notebook top to bottom once the answers are typed in;
- no tp_utils function is the answer of an exercise: put in place of an answer, it fails that
  exercise's tests (the catalogue's harness, judged as at grading).
"""
import inspect
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import tp_utils
import tp_utils._mnist_files
import tp_utils.data
import tp_utils.gradcheck
import tp_utils.hints
import tp_utils.plots
import tp_utils.testing
from tp_course.bundle import reveals, student_bundle
from tp_course.check import Harness
from tp_course.students import fill

ROOT = Path(__file__).resolve().parent.parent
TPS = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    dest, warnings = student_bundle(ROOT, tmp_path_factory.mktemp("b") / "students")
    return dest, warnings


def _secret_lines(tp):
    """Solution and hidden-test lines of a source notebook (16+ characters, not comments)."""
    out = set()
    for src in (ROOT / "source" / tp).glob("*.ipynb"):
        for cell in nbformat.read(str(src), as_version=4).cells:
            inside = cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
            for line in cell.source.split("\n"):
                if re.search(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", line):
                    inside = "BEGIN" in line
                elif inside and len(line.strip()) >= 16 and not line.strip().startswith("#"):
                    out.add(line.strip())
    return out


def _visible_lines(path):
    return {line.strip() for c in nbformat.read(str(path), as_version=4).cells for line in c.source.split("\n")}


def test_the_bundle_holds_no_answer(bundle):
    dest, warnings = bundle
    files = [p for p in dest.rglob("*") if p.is_file()]
    names = {p.relative_to(dest).parts[0] for p in files}
    assert names == set(TPS) | {"tp_utils", "README.md"}, names
    assert not any("tp_course" in p.parts or "catalogue" in p.parts for p in files)
    assert (dest.with_suffix(".zip")).exists()
    revealed = {(late, early) for late, early, _ in reveals(ROOT)}
    for i, tp in enumerate(TPS):
        public = set().union(*[_visible_lines(p) for b in TPS[:i + 1] for p in (ROOT / "release" / b).glob("*.ipynb")])
        secrets = _secret_lines(tp) - public
        assert secrets, f"no answer lines found in source/{tp}: the test would prove nothing"
        for path in files:
            rel = path.relative_to(dest)
            if rel.parts[0] in TPS and TPS.index(rel.parts[0]) > i and (rel.parts[0], tp) in revealed:
                continue  # a later release that shows this TP's answers: warned below
            text = path.read_text(encoding="utf-8", errors="replace").replace("\\n", "\n")
            lines = {l.strip().strip('",').strip() for l in text.split("\n")} | {l.strip() for l in text.split("\n")}
            assert not (lines & secrets), (str(rel), sorted(lines & secrets)[:3])
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, str(rel)
    for late, early, _ in reveals(ROOT):
        assert any(w.startswith(f"{late}'s release shows answers of {early}") for w in warnings)


@pytest.fixture(scope="module")
def student_env(bundle, tmp_path_factory):
    dest, _ = bundle
    venv = tmp_path_factory.mktemp("venv") / "students"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True, cwd="/")
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(dest / "tp_utils")], check=True, cwd="/",
                   capture_output=True)
    return venv / "bin" / "python"


def test_an_environment_from_the_bundle_has_no_instructor_code(student_env):
    out = subprocess.run([str(student_env), "-c", "import tp_course"], capture_output=True, text=True, cwd="/")
    assert out.returncode != 0 and "No module named 'tp_course'" in out.stderr
    out = subprocess.run([str(student_env), "-c", "import nbgrader"], capture_output=True, text=True, cwd="/")
    assert out.returncode != 0, "the student bundle must not install nbgrader's instructor extensions"
    out = subprocess.run([str(student_env), "-c", "import tp_utils.data, tp_utils.plots, tp_utils.live, sklearn"],
                         capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("tp", TPS)
def test_each_notebook_runs_in_the_students_environment(bundle, student_env, tp, tmp_path):
    dest, _ = bundle
    for rel in sorted((dest / tp).glob("*.ipynb")):
        src = nbformat.read(str(ROOT / "source" / tp / rel.name), as_version=4)
        nb = fill(nbformat.read(str(rel), as_version=4), src)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}})
        client.km = client.create_kernel_manager()
        client.km.kernel_spec.argv = [str(student_env), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env.update(MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        client.execute(env=env, cwd=str(tmp_path))   # raises CellExecutionError on any error


def _tp_utils_functions():
    out = []
    for mod in (tp_utils.testing, tp_utils.hints, tp_utils.gradcheck, tp_utils.plots, tp_utils.data,
                tp_utils._mnist_files):
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if fn.__module__ == mod.__name__ and not name.startswith("_"):
                out.append((mod.__name__, name, fn))
    return out


def _answers(tp):
    """(notebook, answer cell, function name, number of required arguments) of a TP's source."""
    import ast
    out = []
    for src in sorted((ROOT / "source" / tp).glob("*.ipynb")):
        for cell in nbformat.read(str(src), as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("solution"):
                for node in ast.parse(cell.source).body:
                    if isinstance(node, ast.FunctionDef):
                        required = len(node.args.args) - len(node.args.defaults)
                        out.append((src, meta["grade_id"], node.name, required))
    return out


@pytest.mark.parametrize("tp", TPS)
def test_no_tp_utils_function_passes_an_exercise(tp):
    """Each tp_utils function that could stand for an answer (it accepts as many arguments)
    is put in place of that answer: the answer's own tests must fail."""
    passing = []
    by_notebook = {}
    for src, cell, fname, required in _answers(tp):
        for module, name, fn in _tp_utils_functions():
            params = inspect.signature(fn).parameters.values()
            positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            need = sum(p.default is p.empty for p in positional)
            if need <= required <= len(positional) or any(p.kind == p.VAR_POSITIONAL for p in params):
                by_notebook.setdefault(src, []).append((cell, fname, module, name))
    assert by_notebook, "no candidate: the test would prove nothing"
    for src, candidates in by_notebook.items():
        with Harness(src) as h:
            h.run_all()
            for cell, fname, module, name in candidates:
                tests = h.own_tests(cell)
                result = h.variant(cell, f"from {module} import {name} as {fname}", tests)
                if tests and all(result.get(t) for t in tests):
                    passing.append(f"{module}.{name} as {fname} passes {tests}")
    assert not passing, passing
