"""Code in a submission that has no business in a numpy exercise: flagged for a human to read.

The jail and the judge make these attempts useless (they cannot change a score); the flag
says that someone tried. The scan reads the submitted source (it does not run it), so code
that hides itself at run time is still seen: ``exec``/``eval``/``compile``/``__import__``
are flagged too.

The same reading tells hidden tests whether an answer hands its exercise to a library
(:func:`library_uses`: ``scipy.special.softmax`` where the exercise is to write softmax) or
switches numpy's floating-point checks off (:func:`silenced_checks`).
"""
import ast
import functools

MODULES = {"ctypes", "gc", "inspect", "importlib", "builtins", "socket", "subprocess", "signal",
           "threading", "multiprocessing", "_thread", "pty", "fcntl", "resource", "atexit",
           "IPython", "ipykernel", "jupyter_client", "zmq", "nbgrader", "nbclient", "tp_course",
           "pickle", "marshal", "shutil", "sqlite3", "faulthandler", "sysconfig", "site", "code"}
HARMLESS = {"IPython.display"}   # display(), Markdown(): what a notebook uses
CALLS = {"exec", "eval", "compile", "__import__", "globals", "vars", "get_ipython", "breakpoint",
         "setattr", "delattr"}
ATTRS = {"__globals__", "__code__", "__builtins__", "__class__", "__dict__", "__array_ufunc__",
         "__array_function__", "__array_finalize__", "__array_priority__", "__subclasses__",
         "__mro__", "__bases__", "__closure__", "__defaults__", "__kwdefaults__", "__getattribute__",
         "_getframe", "settrace", "setprofile", "modules", "f_back", "f_locals", "f_globals",
         "_exit", "kill", "killpg", "fork", "forkpty", "system", "popen", "execv", "execve",
         "spawnv", "symlink", "unlink", "remove", "rmdir", "chmod", "environ", "events",
         "input_transformers_post", "ast_transformers", "register_magic_function", "audit",
         "addaudithook", "stdout", "stderr", "__instancecheck__", "__eq__", "__float__"}


def scan(source):
    """Return the suspicious constructs of a cell's code, in words (``[]`` when none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    modules = {(a.asname or a.name).split(".")[0]: a.name for n in ast.walk(tree)
               if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    modules.update({"np": "numpy", "numpy": "numpy", "math": "math", "scipy": "scipy", "tp_utils": "tp_utils"})
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for t in targets:
            root = t
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if t is not root and isinstance(t, ast.Attribute) and isinstance(root, ast.Name) \
                    and root.id in modules:
                found.append(f"replaces {ast.unparse(t)}")
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name.split(".")[0] in MODULES and a.name not in HARMLESS]
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in MODULES and node.module not in HARMLESS:
                found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS:
            found.append(f"{node.func.id}()")
        elif isinstance(node, ast.Attribute) and node.attr in ATTRS:
            found.append(f".{node.attr}")
        elif isinstance(node, ast.Name) and node.id in ("__builtins__", "__loader__", "__spec__"):
            found.append(node.id)
        elif isinstance(node, ast.FunctionDef) and node.name in ("__array_ufunc__", "__array_function__",
                                                                   "__eq__", "__instancecheck__"):
            found.append(f"def {node.name}")
    return sorted(set(found))


# ---------------------------------------------------------------- libraries doing the exercise
LIBRARIES = ("scipy", "sklearn", "torch", "jax", "jaxlib", "autograd", "tensorflow", "keras",
             "numdifftools", "findiff", "sympy")
HIDDEN_IMPORTS = {"__import__", "eval", "exec", "compile"}   # what the scan cannot see through


RUNS_CODE = {"exec", "run_cell", "run_cell_magic", "run_line_magic"}   # a string argument is code


@functools.lru_cache(maxsize=1024)
def _python(source, depth=0):
    """A code cell as Python, ``None`` if unparsable: IPython syntax (``%time``, ``!ls``) rewritten,
    and the code in the strings that magics and ``exec`` run (``%%capture``, ``%time import ...``)
    added at the end of the cell, where it binds its names."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except Exception:
        pass
    try:
        tree = ast.parse(source)
    except Exception:       # SyntaxError, or a submission built to break the parser
        return None
    for node in list(ast.walk(tree)) if depth < 3 else []:
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in RUNS_CODE:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    inner = _python(arg.value, depth + 1)
                    tree.body += inner.body if inner is not None else []
    return tree


def _bindings(stmts, table, stars):
    """Record what the top-level statements ``stmts`` bind: name -> a def, an imported dotted
    name ``("module", "scipy.special.expit")`` or an assigned expression. Later bindings win."""
    for node in stmts:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            table[node.name] = node
        elif isinstance(node, ast.Import):
            for a in node.names:
                table[a.asname or a.name.split(".")[0]] = ("module", a.name if a.asname else a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for a in node.names:
                if a.name == "*":
                    stars.append(node.module)
                else:
                    table[a.asname or a.name] = ("module", f"{node.module}.{a.name}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name) and node.value is not None:
                        table[n.id] = node.value
        else:   # if/for/while/with/try at the top level: what they bind is global too
            inner = [s for field in ("body", "orelse", "finalbody") for s in getattr(node, field, None) or []]
            inner += [s for handler in getattr(node, "handlers", None) or [] for s in handler.body]
            _bindings(inner, table, stars)


def _table(sources):
    """What the code cells ``sources`` (in the order run) bind at the top level, and the modules
    they star-import: ``(table, stars)`` as :func:`_bindings` fills them."""
    table, stars = {}, []
    for source in sources:
        tree = _python(source)
        if tree is not None:
            _bindings(tree.body, table, stars)
    return table, stars


def _local_names(fn):
    """Names a function (or lambda) binds itself: its parameters and what its body stores."""
    args = fn.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    body = fn.body if isinstance(fn.body, list) else [fn.body]
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                names.add(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                names |= {a.asname or a.name.split(".")[0] for a in n.names}
            elif isinstance(n, ast.arg):
                names.add(n.arg)
    return names


def library_uses(sources, name, libraries=LIBRARIES, follow=None):
    """What the function ``name`` takes from ``libraries``, directly or through the helpers it calls.

    A static reading of the code the kernel ran (it runs nothing): imports anywhere in the
    function or its helpers (``import scipy.special``, ``from scipy.special import expit as e``),
    names bound at the top level to such imports or to expressions using them, attribute chains
    (``sp.special.expit``), names a star import of a library may provide, strings naming a
    library (``__import__("scipy")``, ``importlib.import_module``, ``sys.modules[...]``) and the
    calls that hide what they import (``__import__``, ``eval``, ``exec``, ``compile``).

    Parameters
    ----------
    sources : list of str
        The code cells the kernel ran, in order (a later definition replaces an earlier one).
    name : str
        The function to read (an answer's name).
    libraries : tuple of str
        Top-level package names that must not be used.
    follow : callable, optional
        ``follow(helper_name) -> bool``: whether to read a global function the code calls
        (default: every one). Hidden tests stop at the other graded answers, whose own test
        charges their library calls (one slip, one charge).

    Returns
    -------
    list of str
        What was found, in words (``["scipy.special.softmax"]``); ``[]`` when nothing was.
    """
    table, stars = _table(sources)
    banned = set(libraries)
    lib_stars = [m for m in stars if m.split(".")[0] in banned]
    found, seen, todo = set(), set(), [name]
    builtin_names = set(dir(__import__("builtins")))
    while todo:
        current = todo.pop()
        if current in seen or current not in table:
            continue
        seen.add(current)
        node = table[current]
        if isinstance(node, tuple):          # the name itself is an import: softmax = scipy's
            if node[1].split(".")[0] in banned | {"importlib"}:
                found.add(node[1])
            continue
        local, local_imports = set(), {}
        for n in ast.walk(node):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                local |= _local_names(n)
            elif isinstance(n, (ast.Import, ast.ImportFrom)) and n is not node:
                _bindings([n], local_imports, [])
        chains = {}
        for n in ast.walk(node):             # outer attributes first: the longest chain wins
            if isinstance(n, ast.Attribute):
                parts, base = [n.attr], n.value
                while isinstance(base, ast.Attribute):
                    parts.append(base.attr)
                    base = base.value
                if isinstance(base, ast.Name) and id(base) not in chains:
                    chains[id(base)] = ".".join(reversed(parts))
        for n in ast.walk(node):
            if isinstance(n, ast.Import):
                found |= {a.name for a in n.names if a.name.split(".")[0] in banned | {"importlib"}}
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                if n.module.split(".")[0] in banned | {"importlib"}:
                    found |= {f"{n.module}.{a.name}" for a in n.names}
            elif isinstance(n, ast.Constant) and isinstance(n.value, str) \
                    and n.value.split(".")[0] in banned and n.value.replace(".", "").isidentifier():
                found.add(f"'{n.value}'")
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                if n.id in HIDDEN_IMPORTS:
                    found.add(f"{n.id}()")
                if n.id in local and n.id != current and not isinstance(local_imports.get(n.id), tuple):
                    continue
                target = local_imports.get(n.id) if n.id in local else table.get(n.id)
                if isinstance(target, tuple):
                    dotted = target[1] + ("." + chains[id(n)] if id(n) in chains else "")
                    if target[1].split(".")[0] in banned | {"importlib"}:
                        found.add(dotted)
                elif target is not None:
                    if n.id != current and (follow is None or follow(n.id)):
                        todo.append(n.id)
                elif lib_stars and n.id not in builtin_names:
                    found.add(f"{n.id} (from {lib_stars[-1]} import *)")
    # "scipy.special" says less than "scipy.special.softmax": keep the longest names
    return sorted(f for f in found if not any(g.startswith(f + ".") for g in found))


# ---------------------------------------------------------------- checks switched off
# Switching numpy's floating-point checks off does not make a formula stable: the static
# reading below finds it in the answer (and the helpers it calls), as the tests cannot.
_SILENCERS = {"errstate", "seterr", "seterrcall", "filterwarnings", "simplefilter", "catch_warnings",
              "suppress_warnings", "suppress"}
_CAUGHT = {"FloatingPointError", "RuntimeWarning", "Warning", "ArithmeticError", "OverflowError",
           "ZeroDivisionError"}
_HARMLESS_MODES = {None, "raise", "warn", "print", "log", "call", "error", "always", "default", "module", "once"}


def _dotted(node, table):
    """``np.errstate`` -> "numpy.errstate"-like dotted name of a callee, through import aliases."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        target = table.get(node.id)
        base = target[1] if isinstance(target, tuple) else node.id
        return ".".join([base] + parts[::-1])
    return ""


def silenced_checks(sources, name, follow=None):
    """Where the function ``name`` (or a helper it calls) switches floating-point checks off.

    A static reading of the code the kernel ran: calls of ``np.errstate``/``np.seterr`` that set
    a check to ``"ignore"`` (or to a value the reading cannot see), ``np.seterrcall``,
    ``warnings.filterwarnings``/``simplefilter`` with ``"ignore"``, ``warnings.catch_warnings``
    with ``record=True`` or ``action="ignore"``, ``np.testing.suppress_warnings``,
    ``contextlib.suppress`` of a floating-point error, and ``except FloatingPointError`` (or
    ``RuntimeWarning``, ``OverflowError``...). Only code inside functions counts: the grader sets
    its own checks around every call, so a top-level ``np.seterr`` changes nothing.

    Returns
    -------
    list of str, e.g. ``["np.errstate(over='ignore') in sigmoid"]``; ``[]`` when none.
    """
    table, _ = _table(sources)
    found, seen, todo = [], set(), [name]
    while todo:
        fname = todo.pop()
        node = table.get(fname)
        if fname in seen or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        seen.add(fname)
        for n in ast.walk(node):
            where = f"{ast.unparse(n)[:80]} in {fname}" if isinstance(n, ast.Call) else ""
            if isinstance(n, ast.Call):
                callee = _dotted(n.func, table).split(".")[-1]
                if callee not in _SILENCERS:
                    pass
                elif callee in ("errstate", "seterr"):
                    values = list(n.args) + [k.value for k in n.keywords if k.arg != "under"]
                    if any(k.arg is None for k in n.keywords) or any(
                            not (isinstance(v, ast.Constant) and v.value in _HARMLESS_MODES) for v in values):
                        found.append(where)
                elif callee in ("filterwarnings", "simplefilter"):
                    action = n.args[0] if n.args else next((k.value for k in n.keywords if k.arg == "action"), None)
                    if not (isinstance(action, ast.Constant) and action.value in _HARMLESS_MODES):
                        found.append(where)
                elif callee == "catch_warnings":
                    if any(k.arg in ("record", "action") and not (isinstance(k.value, ast.Constant) and
                                                                   k.value.value in (False, None, "error"))
                           for k in n.keywords):
                        found.append(where)
                elif callee == "suppress":
                    if any(isinstance(a, ast.Name) and a.id in _CAUGHT | {"Exception", "BaseException"}
                           for a in n.args):
                        found.append(where)
                else:
                    found.append(where)
            elif isinstance(n, ast.ExceptHandler) and n.type is not None:
                types = n.type.elts if isinstance(n.type, ast.Tuple) else [n.type]
                caught = [_dotted(t, table).split(".")[-1] for t in types]
                if any(c in _CAUGHT for c in caught):
                    found.append(f"except {ast.unparse(n.type)} in {fname}")
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id != fname:
                if isinstance(table.get(n.id), (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and (
                        follow is None or follow(n.id)):
                    todo.append(n.id)
    return found
