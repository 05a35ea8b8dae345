"""Grading you can trust: nbgrader preprocessors that close the holes students can use.

nbgrader 0.9.6 alone gives full marks to an answer cell that replaces
``np.testing.assert_allclose`` by a no-op, does not put back a deleted test cell,
lets one ``os._exit(0)`` abort a student's whole grading, and prints the hidden
tests in the feedback. Everything here is configured in ``nbgrader_config.py``
(block "grading defenses"), so it holds however the instructor grades:
``tp-course grade``, plain ``nbgrader autograde`` or the formgrader's button.

Pieces, in the order nbgrader uses them
---------------------------------------
CheckedNotebookExporter  (``Autograde.exporter_class``)
    Reads a submitted notebook with clear per-student messages: not UTF-8 (read as
    Latin-1 and flagged), not JSON, not a notebook, too big, nbformat 3 (upgraded).
RebuildFromSource        (first of ``Autograde.sanitize_preprocessors``)
    Rebuilds the notebook around the gradebook's source cells: every test cell and
    every read-only cell comes from the source (hidden tests included), with the
    source's metadata (points, grade_id, locked), in the source's order; only the
    answer cells (and the student's own extra cells, kept where they were) come
    from the submission. Deleted, edited, reordered, duplicated or re-labelled
    test cells are flagged ``grade-cells-modified``.
GuardedExecute           (replaces ``Execute`` in ``Autograde.autograde_preprocessors``)
    Runs the notebook in a kernel that
    - starts in a scratch copy of the submission, outside the course directory,
      with the course's environment variables removed, and the submission's own
      files unable to shadow modules (``numpy.py`` in the submission is ignored);
    - has an address-space limit (``memory_limit_mb``; a memory bomb raises
      ``MemoryError`` in its cell: flag ``memory``);
    - snapshots, before any student code, what tests rely on (numpy and its
      submodules, tp_utils, tp_course, builtins, math, ``sys.modules`` entries,
      the code objects of their Python functions, IPython's input/AST
      transformers and event hooks) and, before each test cell, puts back
      whatever was replaced and the names the tests import (``np``,
      ``check_array``...): flag ``tampered``;
    - per-cell timeout with a clear message, and a kernel that does not answer
      after the interrupt is stopped (flag ``timeout``);
    - kernel death (``os._exit``, ``exit()``, a kill, a crash): cells already run
      keep their points, the rest get an error "not run" and 0 (flag ``crash``).
HideHiddenTests          (first of ``GenerateFeedback.preprocessors``)
    The feedback shows each test cell's visible part and the error message of the
    failure, never the hidden tests' code (source region and traceback frames).

Flags: ``nb.metadata["tp_course"]["flags"]`` of each autograded notebook
(``autograded/<student>/<assignment>/<notebook>.ipynb``), a list of
``{"flag": "tampered"|"timeout"|"crash"|"grade-cells-modified"|"memory"|"bad-file",
"cell": grade_id or None, "detail": "..."}``. :func:`read_flags` reads them back
(for `tp-course grade`, which also explains missing and unreadable files).

What is not protected (honestly)
--------------------------------
The guard runs inside the student's Python process: a student who reads this file
and attacks the guard itself (finds its snapshot in memory, installs an audit hook,
runs a background thread that re-patches between our restore and the test) can
still cheat; background threads alive at a test cell are flagged ``tampered`` so a
human looks. Absolute paths: unless ``sandbox`` is on (mount namespace hiding
``source/``, ``gradebook.db``, ``submitted/``, ``autograded/``, ``feedback/``,
``release/`` of the course; needs ``unshare`` and the right to use it), a student
who knows the course's absolute path can still read it; the scratch directory
only defeats relative paths and paths derived from the working directory.
"""
from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from queue import Empty

import nbformat
from nbformat.notebooknode import NotebookNode, from_dict
from traitlets import Bool, Integer, List, Unicode
from jupyter_core.utils import ensure_async, run_sync

from nbconvert.exporters import NotebookExporter
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader import utils as nbutils

try:  # nbclient >= 0.6
    from nbclient.exceptions import DeadKernelError, CellTimeoutError
except ImportError:  # pragma: no cover
    from nbconvert.preprocessors.execute import DeadKernelError, CellTimeoutError  # type: ignore

FLAG_KINDS = ("tampered", "timeout", "crash", "grade-cells-modified", "memory", "bad-file")
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"


# --------------------------------------------------------------------------- flags
def add_flag(nb, flag, cell=None, detail=""):
    """Append a flag to ``nb.metadata["tp_course"]["flags"]`` (no exact duplicates)."""
    assert flag in FLAG_KINDS, flag
    meta = nb.metadata.setdefault("tp_course", {})
    flags = meta.setdefault("flags", [])
    entry = {"flag": flag, "cell": cell, "detail": detail}
    if entry not in flags:
        flags.append(entry)
    return entry


def read_flags(notebook_path):
    """Flags of an autograded notebook (``[]`` if none, or if it cannot be read)."""
    try:
        with open(notebook_path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError):
        return []
    return list(nb.get("metadata", {}).get("tp_course", {}).get("flags", []))


def strip_hidden_tests(source, replacement=None):
    """Remove the ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` regions.

    ``replacement`` (a line) is put where each region was, if given.
    """
    out, inside = [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
            if replacement is not None:
                indent = line[: len(line) - len(line.lstrip())]
                out.append(indent + replacement)
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


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


# ------------------------------------------------------------------------ reading
class BadSubmission(Exception):
    """A submitted file that cannot be graded; the message says why, in words."""


class CheckedNotebookExporter(NotebookExporter):
    """NotebookExporter that reads submissions defensively.

    - not UTF-8: decoded as Latin-1 (JSON's structure is ASCII), flagged ``bad-file``;
    - not JSON / not a notebook / bigger than ``max_file_mb``: ``BadSubmission`` with a
      one-line reason (logged as ``BAD SUBMISSION <file>: <reason>``); nbgrader then
      skips this student and grades the rest of the class;
    - nbformat 3: upgraded to 4 (flagged ``bad-file`` for the record).
    """

    max_file_mb = Integer(50, help="Largest notebook file accepted (MB).").tag(config=True)

    def from_filename(self, filename, resources=None, **kw):
        try:
            return self._from_filename(filename, resources, **kw)
        except BadSubmission as e:
            self.log.error("BAD SUBMISSION %s: %s", filename, e)
            raise

    def _from_filename(self, filename, resources=None, **kw):
        import datetime
        from nbconvert.exporters.exporter import ResourcesDict

        if resources is None:
            resources = ResourcesDict()
        if "metadata" not in resources or resources["metadata"] == "":
            resources["metadata"] = ResourcesDict()
        path, basename = os.path.split(filename)
        resources["metadata"]["name"] = os.path.splitext(basename)[0]
        resources["metadata"]["path"] = path
        modified = datetime.datetime.fromtimestamp(os.path.getmtime(filename), tz=datetime.timezone.utc)
        resources["metadata"]["modified_date"] = modified.strftime("%B %d, %Y")

        flags = resources.setdefault("tp_course", {}).setdefault("flags", [])
        size = os.path.getsize(filename)
        if size > self.max_file_mb * 1024 * 1024:
            raise BadSubmission(f"the notebook is {size / 2**20:.0f} MB, more than the "
                                f"{self.max_file_mb} MB accepted (huge outputs? clear them and resubmit)")
        with open(filename, "rb") as f:
            raw = f.read()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            text = raw.decode("latin-1")
            flags.append({"flag": "bad-file", "cell": None,
                          "detail": f"not UTF-8 (byte {raw[e.start]:#x} at offset {e.start}); read as Latin-1"})
        try:
            data = json.loads(text)
        except ValueError as e:
            raise BadSubmission(f"not a valid notebook file: invalid JSON ({e}); "
                                "was it edited outside Jupyter or truncated?") from None
        if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
            raise BadSubmission("not a notebook: the JSON has no cells")
        major = data.get("nbformat")
        if major not in (3, 4):
            raise BadSubmission(f"unsupported notebook format version {major!r} (expected 4)")
        if major == 3:
            flags.append({"flag": "bad-file", "cell": None, "detail": "nbformat 3 notebook, upgraded to 4"})
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as e:
            raise BadSubmission(f"not a valid notebook: {type(e).__name__}: {e}") from None
        # cells without the keys nbformat 4 requires would break later steps: repair them.
        for cell in nb.cells:
            cell.setdefault("metadata", NotebookNode())
            if not isinstance(cell.get("source", ""), str):
                src = cell.get("source")
                cell["source"] = "".join(src) if isinstance(src, list) else str(src)
            if cell.get("cell_type") == "code":
                cell.setdefault("outputs", [])
                cell.setdefault("execution_count", None)
        return self.from_notebook_node(nb, resources, **kw)


# ------------------------------------------------------------- sanitize: rebuild
class RebuildFromSource(NbGraderPreprocessor):
    """Rebuild the submission around the source cells (first sanitize step).

    Every cell known to the gradebook comes back, once, in the source's order, with
    the source's metadata. Test and read-only cells come back with the source's text
    (hidden tests included). Answer cells keep the student's text (a missing one is
    restored empty). The student's other cells stay after the known cell they
    followed. Changes to test cells are flagged ``grade-cells-modified``.
    """

    missing_answer_code = Unicode("# (this answer cell was missing from the submission)").tag(config=True)
    missing_answer_markdown = Unicode("*(This answer cell was missing from the submission.)*").tag(config=True)

    def preprocess(self, nb, resources):
        nbr = resources["nbgrader"]
        flags = list(resources.get("tp_course", {}).get("flags", []))
        nb.metadata["tp_course"] = {"flags": []}
        for f in flags:
            add_flag(nb, f["flag"], f.get("cell"), f.get("detail", ""))

        with Gradebook(nbr["db_url"]) as gb:
            try:
                src_nb = gb.find_notebook(nbr["notebook"], nbr["assignment"])
            except MissingEntry:
                return nb, resources
            src = {c.name: (c.cell_type, bool(c.locked), c.source, c.checksum) for c in src_nb.source_cells}
            gb_order = [c.name for c in src_nb.source_cells]
            points = {c.name: float(c.max_score) for c in src_nb.grade_cells}
            solutions = {c.name for c in src_nb.solution_cells}
            tasks = {c.name for c in src_nb.task_cells}

        order = []
        src_file = _read_source_notebook(self, resources)
        if src_file is not None:
            for cell in src_file.cells:
                m = _nbgrader_meta(cell)
                gid = m.get("grade_id") if m else None
                if gid in src and gid not in order:
                    order.append(gid)
        order += [g for g in gb_order if g not in order]

        def modified(cell, detail):
            add_flag(nb, "grade-cells-modified", cell, detail)

        # 1. which occurrence of each known cell is kept (the last one, as nbgrader does)
        last = {}
        for i, cell in enumerate(nb.cells):
            m = _nbgrader_meta(cell)
            gid = m.get("grade_id") if m else None
            if gid in src:
                last[gid] = i

        # 2. walk the submission: known cells are anchors, other cells follow their anchor
        anchors = {None: []}
        student = {}
        seen_order = []
        current = None
        for i, cell in enumerate(nb.cells):
            m = _nbgrader_meta(cell)
            gid = m.get("grade_id") if m else None
            if gid in src and last[gid] == i:
                student[gid] = cell
                seen_order.append(gid)
                current = gid
                anchors.setdefault(gid, [])
                continue
            if gid in src:  # an earlier duplicate of a known cell
                if gid in solutions and gid not in points:
                    # a copy of an answer cell: keep it as an ordinary cell of the student
                    cell.metadata.pop("nbgrader", None)
                    anchors[current].append(cell)
                else:
                    modified(gid, f"cell '{gid}' was duplicated; the copy was removed")
                continue
            if m is not None and (m.get("grade") or m.get("solution") or m.get("locked") or m.get("task")
                                  or m.get("grade_id")):
                if m.get("grade") or m.get("locked"):
                    modified(gid, f"a cell carries nbgrader metadata with an unknown id {gid!r}; "
                                  "it is run as an ordinary cell")
                cell.metadata.pop("nbgrader", None)
            elif m is not None:
                cell.metadata.pop("nbgrader", None)
            anchors[current].append(cell)

        present = [g for g in order if g in student]
        if seen_order != present:
            modified(None, "cells were reordered; put back in the source's order "
                           f"(submitted: {', '.join(seen_order)})")

        # 3. rebuild
        cells = list(anchors[None])
        for gid in order:
            ctype, locked, source, checksum = src[gid]
            is_grade, is_sol, is_task = gid in points, gid in solutions, gid in tasks
            meta = {"grade": is_grade, "grade_id": gid, "locked": locked, "schema_version": 3,
                    "solution": is_sol, "task": is_task, "checksum": checksum}
            if is_grade:
                meta["points"] = points[gid]
            old = student.get(gid)
            if is_sol:  # the student's answer
                if old is None:
                    text = self.missing_answer_code if ctype == "code" else self.missing_answer_markdown
                    if is_grade:
                        modified(gid, f"answer cell '{gid}' was deleted; restored empty")
                    else:
                        add_flag(nb, "grade-cells-modified", gid, f"answer cell '{gid}' was deleted; restored empty")
                    cell = self._new_cell(ctype, text)
                else:
                    cell = old
                    if cell.cell_type != ctype:
                        modified(gid, f"answer cell '{gid}' changed type {cell.cell_type} -> {ctype}")
                        cell = self._new_cell(ctype, cell.source)
                    cell.metadata.pop("editable", None)
                    cell.metadata.pop("deletable", None)
                    self._check_meta(old, meta, gid, modified)
            else:  # test, read-only or task cell: the source's text
                if old is None:
                    if is_grade:
                        modified(gid, f"test cell '{gid}' was deleted; restored from the source")
                else:
                    self._check_meta(old, meta, gid, modified)
                    if is_grade and old.cell_type != ctype:
                        modified(gid, f"test cell '{gid}' changed type {ctype} -> {old.cell_type}; restored")
                    elif is_grade and _norm(strip_hidden_tests(old.get("source", ""))) != _norm(strip_hidden_tests(source)):
                        modified(gid, f"test cell '{gid}' was edited; restored from the source")
                cell = self._new_cell(ctype, source)
                if old is not None and "tags" in old.metadata:
                    cell.metadata["tags"] = old.metadata["tags"]
                cell.metadata["deletable"] = False
                cell.metadata["editable"] = False
            cell.metadata["nbgrader"] = from_dict(meta)
            cells.append(cell)
            cells.extend(anchors.get(gid, []))
        nb.cells = cells
        return nb, resources

    @staticmethod
    def _new_cell(ctype, source):
        if ctype == "code":
            return nbformat.v4.new_code_cell(source)
        return nbformat.v4.new_markdown_cell(source)

    @staticmethod
    def _check_meta(old, meta, gid, modified):
        m = _nbgrader_meta(old) or {}
        changes = []
        for key in ("grade", "solution", "locked", "task"):
            if bool(m.get(key, False)) != bool(meta[key]) and not (key == "locked" and meta["solution"]):
                changes.append(f"{key} {bool(meta[key])} -> {bool(m.get(key, False))}")
        if meta["grade"]:
            try:
                pts = float(m.get("points", meta["points"]))
            except (TypeError, ValueError):
                pts = None
            if pts != meta["points"]:
                changes.append(f"points {meta['points']:g} -> {m.get('points')!r}")
        if changes:
            modified(gid, f"metadata of '{gid}' changed ({'; '.join(changes)}); restored")


# ----------------------------------------------------------------- kernel guard
# Code run in the kernel. ``_TOKEN_`` is replaced by a random name for each
# grading, and ``_CFG_`` by a JSON configuration. Nothing here may trust the
# builtins before they are restored.
_GUARD_INSTALL = r'''
def _tp_guard_install(cfg):
    import sys, os, types, builtins, importlib, threading, signal
    report = []
    def _signals():
        out = {}
        for sig in signal.valid_signals():
            if sig in (signal.SIGKILL, signal.SIGSTOP):
                continue
            try:
                out[sig] = signal.getsignal(sig)
            except (ValueError, OSError):
                pass
        return out
    if cfg["memory_limit"]:
        try:
            import resource
            lim = int(cfg["memory_limit"])
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                lim = min(lim, hard)
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        except Exception as e:
            report.append("memory limit not set: %r" % (e,))
    cwd = os.getcwd()
    # the submission's own files (numpy.py, tp_utils.py...) must not shadow modules
    sys.path[:] = [p for p in sys.path if p not in ("", ".", cwd)]
    importlib.invalidate_caches()
    for name in cfg["modules"]:
        try:
            importlib.import_module(name)
        except Exception as e:
            report.append("cannot import %s: %r" % (name, e))
    ip = get_ipython()
    lim = int(cfg.get("output_limit", 0))
    if lim:
        class _CappedStream(object):
            """Forwards writes until `lim` characters per cell, then drops them (one note)."""
            def __init__(self, inner):
                self._inner, self._exec, self._count, self._noted = inner, None, 0, False
            def write(self, text):
                n = ip.execution_count
                if n != self._exec:
                    self._exec, self._count, self._noted = n, 0, False
                self._count += len(text)
                if self._count <= lim:
                    return self._inner.write(text)
                if not self._noted:
                    self._noted = True
                    self._inner.write("\n[grader: output cut after %d characters]\n" % lim)
                return len(text)
            def __getattr__(self, name):
                return getattr(self._inner, name)
        sys.stdout = _CappedStream(sys.stdout)
        sys.stderr = _CappedStream(sys.stderr)
    pkgs = tuple(cfg["packages"])
    mods = {}
    for n, m in list(sys.modules.items()):
        if m is None or not isinstance(m, types.ModuleType):
            continue
        if n in cfg["modules"] or n in pkgs or n.startswith(tuple(p + "." for p in pkgs)):
            mods[n] = m
    skip = set(cfg["skip_names"])
    value_mods = set(cfg["value_modules"])
    snap, funcs, seen = {}, [], set()
    def _collect(f):
        for g in (f, getattr(f, "_implementation", None), getattr(f, "__wrapped__", None),
                  getattr(f, "__func__", None)):
            if isinstance(g, types.FunctionType) and id(g) not in seen:
                seen.add(id(g))
                funcs.append((g, g.__code__, g.__defaults__, g.__kwdefaults__))
    for n, m in mods.items():
        d = {}
        for k, v in list(vars(m).items()):
            if k in skip:
                continue
            if (callable(v) or isinstance(v, (types.ModuleType, type))
                    or (n in value_mods and isinstance(v, (int, float, complex, str, bool)))):
                d[k] = v
                if callable(v):
                    _collect(v)
                if isinstance(v, type) and not n.startswith("builtins"):
                    for a in list(vars(v).values()):
                        _collect(a)
        snap[n] = d
    shell_state = {}
    for attr in ("ast_transformers", "input_transformers_post", "input_transformers_cleanup"):
        if hasattr(ip, attr):
            shell_state[attr] = list(getattr(ip, attr))
    itm = getattr(ip, "input_transformer_manager", None)
    itm_state = {}
    if itm is not None:
        for attr in ("cleanup_transforms", "line_transforms", "token_transformers"):
            if hasattr(itm, attr):
                itm_state[attr] = list(getattr(itm, attr))
    events = {k: list(v) for k, v in ip.events.callbacks.items()}
    objs = [ip, getattr(ip, "kernel", None), getattr(ip, "displayhook", None),
            getattr(ip, "display_pub", None)]
    inst = []
    for o in objs:
        if o is None:
            continue
        d = getattr(o, "__dict__", {})
        inst.append((o, {k: v for k, v in d.items() if callable(v)}, set(d)))
        for c in type(o).__mro__:
            if c.__module__.split(".")[0] in ("IPython", "ipykernel", "traitlets", "jupyter_client", "zmq"):
                key = "@class:" + c.__module__ + "." + c.__qualname__
                if key not in snap:
                    mods[key] = c
                    snap[key] = {
                        k: v for k, v in vars(c).items() if callable(v) or isinstance(v, (property, classmethod, staticmethod))}
                    for v in vars(c).values():
                        _collect(v)
    g = {
        "builtins_module": builtins,
        "builtins_dict": vars(builtins),
        "builtins_snap": snap.get("builtins", {}),
        "mods": mods,
        "sys_modules": {n: m for n, m in mods.items() if not n.startswith("@class:")},
        "snap": snap,
        "funcs": funcs,
        "sys_attrs": {k: getattr(sys, k) for k in ("stdout", "stderr", "displayhook",
                                                   "meta_path", "path_hooks") if hasattr(sys, k)},
        "sys_lists": {k: list(getattr(sys, k)) for k in ("meta_path", "path_hooks")},
        "trace": (sys.gettrace(), sys.getprofile()),
        "threading_trace": getattr(threading, "_trace_hook", None),
        "threads": {t.ident for t in threading.enumerate()},
        "signals": _signals(),
        "gc_callbacks": list(__import__("gc").callbacks),
        "shell": ip, "shell_state": shell_state, "itm": itm, "itm_state": itm_state,
        "events": events, "inst": inst,
        "stdlib": os.path.dirname(os.__file__), "cwd": cwd,
        "user_ns": ip.user_ns,
        "custom_exc": (ip.custom_exceptions, ip.CustomTB),
        "report": report,
        "expected": {},
    }
    return g
_TOKEN_ = _tp_guard_install(_CFG_)
del _tp_guard_install
'''

_GUARD_RESTORE = r'''
__builtins__ = _TOKEN_["builtins_module"]
def _tp_guard_restore(g, names, student_names, expected):
    ev = []
    bd = g["builtins_dict"]
    for k, v in g["builtins_snap"].items():
        if bd.get(k, g) is not v:
            bd[k] = v
            ev.append("builtins.%s was replaced" % k)
    import sys, threading, signal, gc, ctypes
    extra = [t for t in threading.enumerate() if t.ident not in g["threads"] and t.is_alive()
             and t.__class__.__module__.split(".")[0] not in ("ipykernel", "zmq", "IPython", "jupyter_client")]
    if extra:
        ev.append("background threads were running at a test: %s" % ", ".join(t.name for t in extra))
        for t in extra:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(t.ident), ctypes.py_object(SystemExit))
        for t in extra:
            t.join(timeout=1.0)
        if any(t.is_alive() for t in extra):
            ev.append("THREADS-ALIVE")
        for k, v in g["builtins_snap"].items():
            if bd.get(k, g) is not v:
                bd[k] = v
    gc.collect()
    for sig, h in g["signals"].items():
        try:
            if signal.getsignal(sig) is not h and h is not None:
                signal.signal(sig, h)
                ev.append("the handler of signal %s was changed" % signal.Signals(sig).name)
        except (ValueError, OSError, TypeError):
            pass
    for which in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
        if signal.getitimer(which) != (0.0, 0.0):
            signal.setitimer(which, 0)
            ev.append("an interval timer was set")
    if gc.callbacks != g["gc_callbacks"]:
        gc.callbacks[:] = g["gc_callbacks"]
        ev.append("gc callbacks were installed")
    for k, v in g["sys_attrs"].items():
        if getattr(sys, k, g) is not v:
            setattr(sys, k, v)
            ev.append("sys.%s was replaced" % k)
    for k, v in g["sys_lists"].items():
        cur = getattr(sys, k)
        if list(cur) != v:
            cur[:] = v
            ev.append("sys.%s was changed" % k)
    if (sys.gettrace(), sys.getprofile()) != g["trace"]:
        sys.settrace(g["trace"][0]); sys.setprofile(g["trace"][1])
        ev.append("a trace/profile function was installed")
    if getattr(threading, "_trace_hook", None) is not g["threading_trace"]:
        threading._trace_hook = g["threading_trace"]
        ev.append("threading.settrace was used")
    for n, m in g["sys_modules"].items():
        if sys.modules.get(n) is not m:
            sys.modules[n] = m
            ev.append("sys.modules[%r] was replaced" % n)
    for n, d in g["snap"].items():
        if n == "builtins" or d is None:
            continue
        m = g["mods"][n]
        md = vars(m)
        for k, v in d.items():
            if md.get(k, g) is not v:
                try:
                    setattr(m, k, v)
                except (TypeError, AttributeError):
                    continue
                ev.append("%s.%s was replaced" % (n.replace("@class:", ""), k))
    for f, code, defaults, kwdefaults in g["funcs"]:
        if f.__code__ is not code or f.__defaults__ is not defaults or f.__kwdefaults__ is not kwdefaults:
            f.__code__, f.__defaults__, f.__kwdefaults__ = code, defaults, kwdefaults
            ev.append("the code of %s.%s was changed" % (getattr(f, "__module__", "?"), f.__qualname__))
    ip = g["shell"]
    for attr, v in g["shell_state"].items():
        cur = getattr(ip, attr)
        if list(cur) != v:
            cur[:] = v
            ev.append("IPython %s were changed" % attr)
    itm = g["itm"]
    for attr, v in g["itm_state"].items():
        cur = getattr(itm, attr)
        if list(cur) != v:
            cur[:] = v
            ev.append("IPython input transformers were changed")
    import os
    def _trusted(cb):
        f = getattr(cb, "__func__", cb)
        code = getattr(f, "__code__", None)
        fn = getattr(code, "co_filename", "") or ""
        return (("site-packages" in fn or fn.startswith(g["stdlib"])) and os.path.isfile(fn)
                and not fn.startswith(g["cwd"]))
    for k, cur in ip.events.callbacks.items():
        v = g["events"].setdefault(k, [])
        bad = [cb for cb in cur if cb not in v and not _trusted(cb)]
        for cb in cur:
            if cb not in v and cb not in bad:
                v.append(cb)
        if bad:
            cur[:] = [cb for cb in cur if cb not in bad]
            ev.append("an IPython '%s' event callback was registered" % k)
    if (ip.custom_exceptions, ip.CustomTB) != g["custom_exc"]:
        ip.custom_exceptions, ip.CustomTB = g["custom_exc"]
        ev.append("a custom exception handler was installed")
    for o, d, keys in g["inst"]:
        od = o.__dict__
        for k, v in d.items():
            if od.get(k, g) is not v:
                od[k] = v
                ev.append("%s.%s was replaced" % (type(o).__name__, k))
        for k in list(od):
            if k not in keys and callable(od[k]) and k in vars(type(o)).keys() | set(dir(type(o))):
                del od[k]
                ev.append("%s.%s was overridden" % (type(o).__name__, k))
    ns = g["user_ns"]
    ns["__builtins__"] = g["builtins_module"]
    for alias, (mod, attr) in expected.items():
        if alias not in names or alias in student_names:
            continue
        m = g["sys_modules"].get(mod)
        if m is None:
            continue
        want = m if attr is None else g["snap"].get(mod, {}).get(attr, getattr(m, attr, g))
        if want is g:
            continue
        have = ns.get(alias, g)
        if have is not want:
            if have is not g:
                ev.append("the notebook's %r no longer was %s%s" % (alias, mod, "" if attr is None else "." + attr))
            ns[alias] = want
    for n in names:
        if n in student_names or n in expected:
            continue
        if n in ns and n in g["builtins_snap"] and ns[n] is not g["builtins_snap"][n]:
            del ns[n]
            ev.append("the builtin %r was shadowed by a global of the notebook" % n)
    return ev
_tp_guard_events_ = _tp_guard_restore(_TOKEN_, _NAMES_, _STUDENT_, _EXPECTED_)
del _tp_guard_restore
'''

_GUARD_RESULT = r'''__import__("json").dumps(_tp_guard_events_)'''

DEFAULT_GUARDED_MODULES = [
    "builtins", "math", "json", "numpy", "numpy.testing", "numpy.linalg", "numpy.random",
    "tp_utils", "tp_utils.testing", "tp_utils.gradcheck",
]
DEFAULT_GUARDED_PACKAGES = ["numpy", "tp_utils", "tp_course", "scipy.special"]
_SKIP_NAMES = ["_", "__", "___", "exit", "quit", "get_ipython", "input", "raw_input", "getpass", "_ih", "_oh", "_dh", "In", "Out",
               "__builtins__", "__loader__", "__spec__", "__warningregistry__", "__cached__",
               "__file__", "__path__", "__package__", "__name__", "__doc__", "__all__"]


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


class GuardedExecute(Execute):
    """nbgrader's Execute, hardened (see the module docstring)."""

    memory_limit_mb = Integer(
        int(os.environ.get("TP_COURSE_MEMORY_LIMIT_MB", "4096")),
        help="Address-space limit of the grading kernel, in MiB (0: none).").tag(config=True)
    guarded_modules = List(Unicode(), DEFAULT_GUARDED_MODULES,
                           help="Modules imported and snapshotted before student code.").tag(config=True)
    guarded_packages = List(Unicode(), DEFAULT_GUARDED_PACKAGES,
                            help="Packages whose loaded submodules are snapshotted too.").tag(config=True)
    value_modules = List(Unicode(), ["numpy", "math"],
                         help="Modules whose plain values (np.pi...) are guarded too.").tag(config=True)
    scratch_dir = Bool(True, help="Run the kernel in a scratch copy of the submission, "
                                  "outside the course directory.").tag(config=True)
    scrub_env = Bool(True, help="Remove the course's variables from the kernel's environment.").tag(config=True)
    sandbox = Unicode(os.environ.get("TP_COURSE_SANDBOX", "auto"),
                      help="'on', 'off' or 'auto' (on when it works): run the kernel in its own user "
                           "and mount namespaces (`unshare`), where the course's source/, submitted/, "
                           "autograded/, feedback/, exchange/ and the gradebook are empty.").tag(config=True)
    output_limit = Integer(
        1_000_000, help="Characters a cell may print (per stream) before the rest is dropped: "
                        "an output flood must not exhaust the grader's memory (0: no limit).").tag(config=True)
    unresponsive_grace = Integer(10, help="Seconds a kernel gets to answer after a timeout "
                                          "interrupt before it is stopped.").tag(config=True)

    # ---- kernel start: scratch cwd, environment, sandbox
    def _course_root(self):
        cd = _find_coursedir(self)
        return os.path.abspath(cd.root) if cd is not None else None

    async def async_start_new_kernel(self, **kwargs):
        env = dict(os.environ)
        if self.scrub_env:
            root = self._course_root()
            for k in list(env):
                v = env[k]
                if k.startswith(("TP_COURSE_", "NBGRADER_DB", "JPY_", "JUPYTERHUB_API")) \
                        or (root and root in v and k not in ("PATH", "PYTHONPATH", "VIRTUAL_ENV")):
                    del env[k]
            env["NBGRADER_EXECUTION"] = "autograde"
        kwargs.setdefault("env", env)
        if self._sandbox_on():
            self._wrap_kernel_cmd()
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    _sandbox_works = None

    @classmethod
    def sandbox_available(cls):
        """Whether `unshare --user --map-root-user --mount` works here (cached)."""
        if cls._sandbox_works is None:
            import subprocess
            exe = shutil.which("unshare")
            ok = False
            if exe:
                try:
                    ok = subprocess.run([exe, "--user", "--map-root-user", "--mount", "--propagation",
                                         "private", "sh", "-c", "mount -t tmpfs none /tmp && true"],
                                        capture_output=True, timeout=10).returncode == 0
                except Exception:
                    ok = False
            cls._sandbox_works = ok
        return cls._sandbox_works

    def _sandbox_on(self):
        mode = str(self.sandbox).lower()
        if mode in ("1", "on", "true", "yes"):
            if not self.sandbox_available():
                self.log.warning("sandbox requested but `unshare --user --mount` does not work here: "
                                 "the kernel runs without it")
                return False
            return True
        return mode == "auto" and self.sandbox_available()

    def _hidden_paths(self):
        root = self._course_root()
        dirs, files = [], []
        if root:
            dirs += [os.path.join(root, d) for d in ("source", "submitted", "autograded", "feedback", "exchange")]
        cd = _find_coursedir(self)
        if cd is not None:
            for attr in ("source_directory", "submitted_directory", "autograded_directory", "feedback_directory"):
                d = getattr(cd, attr, None)
                if d and os.path.isabs(d):
                    dirs.append(d)
        db = (self.resources or {}).get("nbgrader", {}).get("db_url", "")
        if db.startswith("sqlite:///"):
            files.append(os.path.abspath(db[len("sqlite:///"):]))
        if root:
            files.append(os.path.join(root, "gradebook.db"))
        dirs = sorted({os.path.realpath(d) for d in dirs if os.path.isdir(d)})
        files = sorted({os.path.realpath(f) for f in files if os.path.isfile(f)})
        return dirs, files

    def _wrap_kernel_cmd(self):
        spec = self.km.kernel_spec
        argv = list(spec.argv) if spec else []
        if not argv or argv[0] == "unshare":
            return
        dirs, files = self._hidden_paths()
        q = lambda p: "'" + p.replace("'", "'\\''") + "'"
        script = "".join(f"mount -t tmpfs -o ro,size=4k none {q(d)} && " for d in dirs)
        script += "".join(f"mount --bind /dev/null {q(f)} && " for f in files)
        script += 'exec "$@"'
        spec.argv = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private",
                     "sh", "-c", script, "sh"] + argv

    # ---- helpers
    def _flag(self, flag, cell, detail):
        add_flag(self.nb, flag, cell, detail)
        self.log.warning("[%s] %s (%s): %s", self.resources.get("nbgrader", {}).get("student", "?"),
                         flag, cell, detail)

    async def _async_quiet(self, code, timeout=30, expr=None):
        """Run ``code`` silently in the kernel; return (status, "ename: evalue", user expression)."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"r": expr} if expr else {})
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("kernel did not answer")
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=min(1.0, remaining)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    raise DeadKernelError("Kernel died")
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg["content"]
            result = None
            if expr:
                r = content.get("user_expressions", {}).get("r", {})
                if r.get("status") == "ok":
                    result = r.get("data", {}).get("text/plain")
            return content.get("status"), f"{content.get('ename', '')}: {content.get('evalue', '')}", result

    _quiet = run_sync(_async_quiet)

    def _cell_error(self, cell, ename, message):
        cell.setdefault("outputs", [])
        cell.outputs.append(nbformat.v4.new_output(
            "error", ename=ename, evalue=message,
            traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"]))

    # ---- the notebook
    def preprocess(self, nb, resources=None, km=None):
        from nbclient.client import NotebookClient

        self._token = "_tp_guard_" + secrets.token_hex(8)
        self._dead = None
        self._exit_asked = False
        self._scratch = None
        resources = resources if resources is not None else {}
        path = resources.get("metadata", {}).get("path") or os.getcwd()
        # scratch copy of the submission, outside the course directory
        if self.scratch_dir:
            self._scratch = tempfile.mkdtemp(prefix="tp-grade-")
            work = os.path.join(self._scratch, "work")
            try:
                shutil.copytree(path, work, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"),
                                symlinks=False, ignore_dangling_symlinks=True)
            except Exception:
                os.makedirs(work, exist_ok=True)
            resources.setdefault("metadata", {})["path"] = work

        self._prepare_names(nb, resources)
        NotebookClient.__init__(self, nb, km)
        self.error_on_timeout = {
            "ename": "CellTimeoutError",
            "evalue": f"this cell ran longer than {self.timeout} s and was stopped",
            "traceback": [f"\x1b[0;31mCellTimeoutError\x1b[0m: this cell ran longer than {self.timeout} s "
                          "and was stopped (an infinite loop, or code much slower than needed?). "
                          "Its tests score 0."],
        }
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        try:
            with self.setup_kernel():
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                self._install_guard()
                for index, cell in enumerate(self.nb.cells):
                    self._run_cell(cell, resources, index)
        finally:
            if self._scratch:
                shutil.rmtree(self._scratch, ignore_errors=True)
            if self._scratch:
                resources.setdefault("metadata", {})["path"] = path
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _prepare_names(self, nb, resources):
        """What the answers define (from the source), what the setup cells import."""
        src = _read_source_notebook(self, resources)
        cells = src.cells if src is not None else nb.cells
        self._student_names = set()
        self._expected = {"np": ("numpy", None), "numpy": ("numpy", None)}
        for cell in cells:
            m = _nbgrader_meta(cell) or {}
            if cell.cell_type != "code":
                continue
            if m.get("solution"):
                self._student_names |= _defined_names(cell.source)
            elif not m.get("grade"):
                self._expected.update(_imports(cell.source))
        # what the instructor's setup imports is always put back
        self._student_names -= set(self._expected)

    def _install_guard(self):
        cfg = {
            "memory_limit": self.memory_limit_mb * 1024 * 1024 if self.memory_limit_mb else 0,
            "modules": list(self.guarded_modules) + sorted({m for m, _ in self._expected.values()}),
            "packages": list(self.guarded_packages),
            "value_modules": list(self.value_modules),
            "skip_names": _SKIP_NAMES,
            "output_limit": self.output_limit,
        }
        code = _GUARD_INSTALL.replace("_TOKEN_", self._token).replace("_CFG_", repr(cfg))
        try:
            status, err, result = self._quiet(code, timeout=max(60, self.timeout or 60),
                                              expr=f"__import__('json').dumps({self._token}['report'])")
        except DeadKernelError:
            self._dead = "startup"
            return
        if status != "ok":
            self.log.error("grading guard not installed: %s", err)
        elif result:
            for line in json.loads(ast.literal_eval(result)):
                self.log.warning("grading guard: %s", line)

    def _restore(self, cell, after=False):
        """Put back what tests rely on; return the list of what had been changed."""
        gid = (_nbgrader_meta(cell) or {}).get("grade_id")
        names = _free_names(cell.source)
        code = (_GUARD_RESTORE.replace("_TOKEN_", self._token)
                .replace("_NAMES_", repr(set(names)))
                .replace("_STUDENT_", repr(self._student_names))
                .replace("_EXPECTED_", repr(self._expected)))
        status, err, result = self._quiet(code, timeout=30, expr=_GUARD_RESULT)
        if status != "ok":
            events = [f"the grading guard was disturbed ({err.strip()})"]
        else:
            events = json.loads(ast.literal_eval(result)) if result else []
        when = "during this test" if after else "before this test"
        for e in events:
            if e != "THREADS-ALIVE":
                self._flag("tampered", gid, f"{e} ({when})")
        return events

    def _is_grade_code(self, cell):
        return cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell)

    def _run_cell(self, cell, resources, index):
        gid = (_nbgrader_meta(cell) or {}).get("grade_id")
        if cell.cell_type != "code":
            return
        if self._dead is not None:
            cell.outputs = []
            self._cell_error(cell, "KernelStopped",
                             f"not run: the kernel stopped at {self._dead}. 0 points for this cell's tests.")
            return
        where = f"cell {index}" + (f" ('{gid}')" if gid else "")
        graded = self._is_grade_code(cell)
        try:
            if graded:
                before = self._restore(cell)
                if "THREADS-ALIVE" in before or any("disturbed" in e for e in before):
                    cell.outputs = []
                    self._cell_error(cell, "TamperedGrading", "not run: the submission left code running in "
                                     "the background (or disturbed the grader), so its tests cannot be trusted.")
                    return
            self.preprocess_cell(cell, resources, index)
        except DeadKernelError:
            return self._died(cell, gid, where)
        except (CellTimeoutError, TimeoutError) as e:
            self._cell_error(cell, "CellTimeoutError", f"no answer from the kernel ({e})")
        cell = self.nb.cells[index]
        if getattr(self, "_exit_asked", False):
            # exit()/quit(): the kernel shuts down soon after; stop now, deterministically
            self._exit_asked = False
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass
            return self._died(cell, gid, where)
        enames = [o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if "MemoryError" in enames:
            self._flag("memory", gid, f"{where} went over the memory limit ({self.memory_limit_mb} MiB)")
        if "CellTimeoutError" in enames:
            self._flag("timeout", gid, f"{where} ran longer than {self.timeout} s and was stopped")
            self._check_responsive(where)
        elif graded:
            try:
                after = self._restore(cell, after=True)
            except DeadKernelError:
                return self._died(cell, gid, where)
            except TimeoutError:
                after = ["the kernel did not answer the grader after this test"]
            if after:
                self._cell_error(cell, "TamperedGrading",
                                 "the code under test changed what the tests use ("
                                 + "; ".join(e for e in after if e != "THREADS-ALIVE")[:300]
                                 + "), so this test cannot be trusted: 0 points.")
        if graded:
            # no partial credit smuggled in by the student's code: a test cell passes or fails
            for o in cell.outputs:
                if o.get("output_type") == "execute_result":
                    o["output_type"] = "display_data"
                    o.pop("execution_count", None)

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        reply = kwargs.get("execute_reply") or {}
        for p in reply.get("content", {}).get("payload", []) or []:
            if p.get("source") == "ask_exit" and not p.get("keepkernel"):
                self._exit_asked = True

    def _died(self, cell, gid, where):
        self._dead = where
        self._flag("crash", gid, f"the kernel stopped at {where} (os._exit, exit(), a kill, a crash "
                                 "or the memory limit); the cells after it were not run")
        self._cell_error(cell, "KernelStopped", "the kernel stopped while running this cell "
                         "(os._exit, exit(), a crash or the memory limit?). 0 points for its tests and "
                         "for the cells after it.")

    def _check_responsive(self, where):
        if self._dead is not None:
            return
        try:
            self._quiet("pass", timeout=self.unresponsive_grace)
        except (TimeoutError, DeadKernelError):
            self._dead = where
            self._flag("crash", None, f"the kernel did not stop after the timeout at {where}; "
                                      "it was shut down and the cells after it were not run")
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass


# --------------------------------------------------------------------- feedback
_CELL_RE = re.compile(r"Cell In\s*\[(\d+)\]")


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback without the hidden tests' code (first of GenerateFeedback.preprocessors).

    In each test cell: the hidden region is replaced by one comment line, and error
    tracebacks keep only the frames of the student's own cells and the final
    ``ErrorName: message`` line (the frames of the test cell and of grader-only
    modules would show hidden code).
    """

    placeholder = Unicode("# ... hidden tests (not shown) ...").tag(config=True)

    def preprocess(self, nb, resources):
        # tracebacks may only show frames of cells that are not test cells
        self._test_counts = {c.get("execution_count") for c in nb.cells
                             if c.cell_type == "code" and nbutils.is_grade(c) and not nbutils.is_solution(c)}
        self._test_counts.discard(None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if not (nbutils.is_grade(cell) and cell.cell_type == "code"):
            return cell, resources
        # which lines of the cell are hidden tests (1-based, as in tracebacks)
        hidden_lines, inside = set(), False
        for n, line in enumerate(cell.source.split("\n"), 1):
            if BEGIN_HIDDEN in line:
                inside = True
            if inside:
                hidden_lines.add(n)
            if END_HIDDEN in line:
                inside = False
        cell.source = strip_hidden_tests(cell.source, self.placeholder)
        own = cell.get("execution_count")
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            kept, note = [], ""
            for frame in (out.get("traceback") or [])[:-1]:
                plain = _strip_ansi(frame)
                m = _CELL_RE.search(plain)
                if not m:
                    continue
                if int(m.group(1)) == own:
                    line = re.search(r"line (\d+)", plain)
                    if line and int(line.group(1)) in hidden_lines:
                        note = "(the failing check is in the hidden tests)"
                    elif line:
                        note = "(the failing check is in the visible tests above)"
                elif int(m.group(1)) not in self._test_counts:
                    kept.append(frame)  # the student's own code
            last = f"\x1b[0;31m{out.get('ename', 'Error')}\x1b[0m: {out.get('evalue', '')}"
            out["traceback"] = ([note] if note else []) + kept + [last]
        return cell, resources


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(s):
    return _ANSI.sub("", s)
