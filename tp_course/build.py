"""Build: notebooks/<a>/<name>.py -> source/<a>/<name>.ipynb -> release/<a>/<name>.ipynb.

``notebooks/`` is what authors edit (jupytext percent format); ``source/`` and
``release/`` are generated and committed. ``stale()`` says which generated
files differ from what a fresh build would write.
"""
import json
import shutil
import tempfile
from pathlib import Path

import jupytext
import nbformat

from .nbgrader import course_env, run as nbgrader

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def assignments(root):
    """Assignment ids with at least one notebook, sorted: ``["tp1", "tp2", ...]``."""
    base = Path(root) / "notebooks"
    return sorted(p.name for p in base.iterdir() if p.is_dir() and any(p.glob("*.py")))


def notebook_sources(root, assignment):
    """The jupytext files of one assignment, sorted."""
    return sorted((Path(root) / "notebooks" / assignment).glob("*.py"))


def to_ipynb(py_path):
    """Read a jupytext percent file into an nbgrader source notebook (no outputs)."""
    nb = jupytext.read(py_path, fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    for i, cell in enumerate(nb.cells):  # stable ids: a rebuild changes nothing
        cell["id"] = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{i:03d}"
    return nb


def _dumps(nb):
    return nbformat.writes(nb) + "\n"


def source_and_release(course_dir, assignment):
    """(name, source notebook, release notebook) for each notebook of an assignment."""
    out = []
    for src in sorted((Path(course_dir) / "source" / assignment).glob("*.ipynb")):
        rel = Path(course_dir) / "release" / assignment / src.name
        out.append((src.name, nbformat.read(str(src), as_version=4), nbformat.read(str(rel), as_version=4)))
    return out


def write_sources(root, out=None):
    """Write ``source/<a>/<name>.ipynb`` for every jupytext file; returns the paths written."""
    root, out = Path(root), Path(out or root)
    written = []
    for a in assignments(root):
        for py in notebook_sources(root, a):
            dest = out / "source" / a / (py.stem + ".ipynb")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(_dumps(to_ipynb(py)))
            written.append(dest)
    return written


def prepare_course(root, course_dir, source=None, only=None):
    """Make ``course_dir`` a course of its own: the config, ``source/`` and a fresh gradebook.

    ``source`` defaults to ``root/source``; ``only`` limits it to some assignments.

    The gradebook gets every assignment (``nbgrader generate_assignment``), so the
    copy can release, autograde and give feedback without touching ``root``.
    """
    root, course_dir = Path(root), Path(course_dir)
    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", course_dir / "nbgrader_config.py")
    if (course_dir / "source").exists():
        shutil.rmtree(course_dir / "source")
    shutil.copytree(Path(source or root / "source"), course_dir / "source")
    env = course_env(course_dir, course_dir / ".jupyter", private=True)
    for a in sorted(p.name for p in (course_dir / "source").iterdir() if p.is_dir()):
        if only is None or a in only:
            nbgrader(["generate_assignment", a, "--force"], course_dir, env)
    return env


def build(root):
    """Sources -> source/ -> release/ in the repository ``root``."""
    root = Path(root)
    write_sources(root)
    with tempfile.TemporaryDirectory() as tmp:
        prepare_course(root, tmp)
        if (root / "release").exists():
            for a in assignments(root):
                shutil.rmtree(root / "release" / a, ignore_errors=True)
        shutil.copytree(Path(tmp) / "release", root / "release", dirs_exist_ok=True)
    return assignments(root)


def _tree(path):
    path = Path(path)
    return {p.relative_to(path).as_posix(): p.read_text() for p in sorted(path.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def _without_ids(nb):
    for cell in nb.get("cells", []):
        cell.pop("id", None)
    return nb


def _same(a, b, name):
    """Equal files; notebooks are compared as JSON, cell ids aside (JupyterLab renews them)."""
    if name.endswith(".ipynb"):
        return _without_ids(json.loads(a)) == _without_ids(json.loads(b))
    return a == b


def stale(root):
    """Generated files that differ from a fresh build: a list of readable lines (empty if fresh)."""
    root = Path(root)
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        write_sources(root, tmp)
        prepare_course(root, Path(tmp) / "course", source=Path(tmp) / "source")
        # compare source/ with what jupytext writes, release/ with what nbgrader writes
        for folder, fresh_dir in (("source", Path(tmp) / "source"), ("release", Path(tmp) / "course" / "release")):
            fresh, committed = _tree(fresh_dir), _tree(root / folder)
            committed = {k: v for k, v in committed.items() if k.split("/")[0] in assignments(root)}
            for name in sorted(set(fresh) | set(committed)):
                if name not in committed:
                    problems.append(f"{folder}/{name} is missing: run `tp-course build`")
                elif name not in fresh:
                    problems.append(f"{folder}/{name} has no notebook in notebooks/: remove it or add its source")
                elif not _same(fresh[name], committed[name], name):
                    problems.append(f"{folder}/{name} is stale: run `tp-course build` "
                                    f"(or, if you edited the .ipynb, sync it with `jupytext --sync`)")
    return problems
