"""The instructor's side of a notebook: where its source is, what its cells define.

The source notebook of a submission (found through nbgrader's
CourseDirectory), and the names a cell defines or imports.
"""
import ast
import os
import re

import nbformat

def _norm(source):
    return "\n".join(l.rstrip() for l in source.strip().split("\n"))


def _nbgrader_meta(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else None


def _find_coursedir(obj):
    """The CourseDirectory of the converter that owns this preprocessor, if any."""
    seen = 0
    while obj is not None and seen < 6:
        cd = getattr(obj, "coursedir", None)
        if cd is not None:
            return cd
        obj = getattr(obj, "parent", None)
        seen += 1
    return None


def _source_notebook_path(pp, resources):
    cd = _find_coursedir(pp)
    nbr = resources.get("nbgrader", {})
    if cd is None or not nbr:
        return None
    try:
        folder = cd.format_path(cd.source_directory, ".", nbr["assignment"])
    except Exception:
        return None
    path = os.path.join(folder, nbr["notebook"] + ".ipynb")
    if not os.path.isabs(path):
        path = os.path.join(cd.root, path)
    return path if os.path.exists(path) else None


def _read_source_notebook(pp, resources):
    path = _source_notebook_path(pp, resources)
    if path is None:
        return None
    try:
        return nbformat.read(path, as_version=4)
    except Exception:
        return None


def _free_names(source):
    """Names a cell reads (a superset: every Name loaded, every attribute root)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return sorted(set(re.findall(r"[A-Za-z_]\w*", source)))
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})


def _defined_names(source):
    """Top-level names a cell defines (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    out = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                out |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                out.add((a.asname or a.name).split(".")[0])
    return out


def _imports(source):
    """``{alias: (module, attr or None)}`` for the top-level imports of a cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = (a.name, None)
                else:
                    out[a.name.split(".")[0]] = (a.name.split(".")[0], None)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name != "*":
                    out[a.asname or a.name] = (node.module, a.name)
    return out
