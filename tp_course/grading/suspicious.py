"""Code in a submission that has no business in a numpy exercise: flagged for a human to read.

The jail and the judge make these attempts useless (they cannot change a score); the flag
says that someone tried. The scan reads the submitted source (it does not run it), so code
that hides itself at run time is still seen: ``exec``/``eval``/``compile``/``__import__``
are flagged too.
"""
import ast

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
