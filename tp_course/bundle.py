"""`tp-course student-bundle`: what students get, and nothing else.

A bundle is a folder (and a zip of it) holding:

- ``<tp>/<notebook>.ipynb``: the release notebooks of the chosen assignments;
- ``tp_utils/``: the helper package as its own installable distribution (its own
  ``pyproject.toml``; numpy, matplotlib, scikit-learn, JupyterLab and the data loaders only);
- ``README.md``: install, open, validate, submit.

No solution, no hidden test, no ``tp_course`` (the instructor package and the hidden tests'
helpers), no catalogue. :func:`leaks` proves it line by line, and :func:`reveals` says which
later releases show earlier answers (hand TP n+1 out after TP n's deadline).
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import nbformat

from .cells import answer_lines, grade_id, is_answer

MIN_CHARS = 16          # a line shorter than this ("return x", "g = 0.0") is not an answer
TEMPLATE = Path(__file__).with_name("student")


def _answer_lines(source_nb):
    """``{line: grade_id}`` of the solution and hidden-test lines of a source notebook."""
    out = {}
    for cell in source_nb.cells:
        gid = grade_id(cell) or "?"
        if is_answer(cell) and cell.cell_type == "markdown":
            chosen = cell.source.split("\n")
        else:
            chosen = answer_lines(cell.source)
        for line in chosen:
            text = line.strip()
            if len(text) >= MIN_CHARS and not text.startswith("#"):
                out.setdefault(text, gid)
    return out


def _release_lines(release_nb):
    return {line.strip() for cell in release_nb.cells for line in cell.source.split("\n")}


def assignments(root):
    return sorted(p.name for p in (Path(root) / "source").iterdir() if p.is_dir())


def reveals(root):
    """``[(later tp, earlier tp, [grade_ids])]``: later releases that show earlier answers.

    Verbatim copies are found line by line; rewrites are declared in ``notebooks/reveals.json``.
    """
    root = Path(root)
    tps = assignments(root)
    path = root / "notebooks" / "reveals.json"
    declared = json.loads(path.read_text()) if path.exists() else {}
    out = []
    for i, early in enumerate(tps):
        answers = {}
        for src in sorted((root / "source" / early).glob("*.ipynb")):
            answers.update(_answer_lines(nbformat.read(str(src), as_version=4)))
        for late in tps[i + 1:]:
            shown = set()
            for rel in sorted((root / "release" / late).glob("*.ipynb")):
                shown |= {answers[line] for line in _release_lines(nbformat.read(str(rel), as_version=4))
                          if line in answers}
            shown |= set(declared.get(late, {}).get(early, []))
            if shown:
                out.append((late, early, sorted(shown)))
    return out


def leaks(root, bundle_dir, chosen):
    """``[(file, grade_id, line)]``: answer lines of the chosen assignments found in the bundle.

    An answer line of assignment ``a`` is a secret unless ``a``'s own release, or the release
    of an earlier assignment, already shows it (a seed line such as ``rng = ...(12)``). Later
    releases that show earlier answers are reported by :func:`reveals` (a warning, not a leak).
    """
    root, found = Path(root), []
    tps = assignments(root)
    released = {a: set().union(*[_release_lines(nbformat.read(str(p), as_version=4))
                                 for p in (root / "release" / a).glob("*.ipynb")]) for a in tps}
    for a in chosen:
        public = set().union(*[released[b] for b in tps[:tps.index(a) + 1]])
        answers = {}
        for src in (root / "source" / a).glob("*.ipynb"):
            answers.update({k: v for k, v in _answer_lines(nbformat.read(str(src), as_version=4)).items()
                            if k not in public})
        later = tuple(b + "/" for b in tps[tps.index(a) + 1:])
        for path in sorted(Path(bundle_dir).rglob("*")):
            rel = str(path.relative_to(bundle_dir))
            if not path.is_file() or path.suffix == ".zip" or rel.startswith(later):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            lines = {line.strip() for line in text.replace("\\n", "\n").split("\n")}
            lines |= {line.strip('",') .strip() for line in lines}
            found += [(rel, answers[line], line) for line in sorted(lines & set(answers))]
    return found


def student_bundle(root, dest, chosen=None, make_zip=True):
    """Write the student bundle of the ``chosen`` assignments (default: all) into ``dest``.

    Returns ``(dest, warnings)``; raises ``RuntimeError`` if an answer line would leak.
    """
    root, dest = Path(root), Path(dest)
    chosen = list(chosen or assignments(root))
    unknown = [a for a in chosen if not (root / "release" / a).is_dir()]
    if unknown:
        raise ValueError(f"no release for {', '.join(unknown)} (run `tp-course build`)")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for a in chosen:
        (dest / a).mkdir()
        for nb in sorted((root / "release" / a).glob("*.ipynb")):
            shutil.copy(nb, dest / a / nb.name)
    dist = dest / "tp_utils"
    shutil.copytree(root / "tp_utils", dist / "tp_utils", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(TEMPLATE / "pyproject.toml", dist / "pyproject.toml")
    readme = (TEMPLATE / "README.md").read_text().replace("{ASSIGNMENTS}", ", ".join(chosen))
    (dest / "README.md").write_text(readme)
    found = leaks(root, dest, chosen)
    if found:
        shutil.rmtree(dest)
        detail = "; ".join(f"{f}: {gid}: {line[:60]!r}" for f, gid, line in found[:5])
        raise RuntimeError(f"answer lines would leak into the bundle ({len(found)}): {detail}")
    warnings = [f"{late}'s release shows answers of {early} ({', '.join(gids)}): hand {late} out after "
                f"{early}'s deadline" for late, early, gids in reveals(root) if late in chosen]
    if make_zip:
        with zipfile.ZipFile(dest.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(dest.rglob("*")):
                z.write(path, Path(dest.name) / path.relative_to(dest))
    return dest, warnings


