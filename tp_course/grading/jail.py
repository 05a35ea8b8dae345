"""A jail for every grading kernel, made with bubblewrap (``bwrap``, Debian package ``bubblewrap``).

Inside the jail the student's kernel sees:

- the system (``/usr``, ``/etc``), the Python installation and the course's virtual
  environment, all read-only, and the ``tp_utils`` package, read-only;
- its own copy of the submission folder (read-write), and a run directory holding its
  kernel connection file and the judge's socket (nothing else: no other student, no
  connection file of another kernel);
- a private tmpfs for ``/tmp``, ``$HOME`` and ``IPYTHONDIR``, emptied when it ends.

It has no network (a loopback of its own), its own PID namespace (every process it starts
dies with it), no capabilities, a user namespace, and hard limits on memory and file sizes
(set before the kernel starts, so the student cannot raise them). Nothing of the course
tree is mounted: not ``source/``, ``notebooks/``, the catalogue, ``.git``, the gradebook,
``tp_course`` (the hidden tests' helpers), nor other submissions.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys

import tp_utils

LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch.py")


class JailUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


@functools.lru_cache(maxsize=None)
def check_bwrap(exe="bwrap"):
    """Return the path of a working ``bwrap``, or raise :class:`JailUnavailable` saying why."""
    path = shutil.which(exe)
    if not path:
        raise JailUnavailable("bubblewrap is not installed (apt-get install bubblewrap)")
    try:
        proc = subprocess.run([path, "--unshare-all", "--unshare-user", "--die-with-parent",
                               "--ro-bind", "/", "/", "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise JailUnavailable(f"bubblewrap does not run here: {err}") from err
    if proc.returncode != 0:
        raise JailUnavailable("bubblewrap cannot create namespaces here: " + proc.stderr.strip()[:300])
    return path


def _python_roots():
    """Directories the kernel's Python needs: the installation and the virtual environment."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix}
    exe = os.path.realpath(sys.executable)
    roots.add(os.path.dirname(os.path.dirname(exe)))
    return sorted(r for r in roots if r and r != "/" and os.path.isdir(r))


def _system_dirs():
    out = []
    for d in ("/usr", "/etc", "/opt/conda"):
        if os.path.isdir(d):
            out += ["--ro-bind", d, d]
    for d in ("/bin", "/lib", "/lib64", "/sbin", "/lib32"):
        if os.path.islink(d):
            out += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            out += ["--ro-bind", d, d]
    return out


def bwrap_argv(kernel_argv, workdir, rundir, env, memory_mb=4096, file_mb=512, tmp_mb=512, bwrap="bwrap"):
    """The command that starts ``kernel_argv`` in a jail.

    Parameters
    ----------
    kernel_argv : list of str
        The kernel's own command (``python -m ipykernel_launcher -f CONNECTION_FILE``).
    workdir : str
        The submission's copy: the kernel's working directory, the only writable folder.
    rundir : str
        Connection file, judge socket and agent files (bound at the same path).
    env : dict
        The kernel's whole environment (the jail starts from an empty one).
    memory_mb, file_mb, tmp_mb : int
        Hard limits: address space, size of one file, size of the private /tmp.
    """
    home = "/tmp/home"
    argv = [bwrap, "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
            "--hostname", "grading", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    argv += _system_dirs()
    for root in _python_roots():
        argv += ["--ro-bind", root, root]
    pkg = os.path.dirname(os.path.abspath(tp_utils.__file__))
    argv += ["--ro-bind", pkg, pkg]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(tmp_mb * 1024 * 1024), "--tmpfs", "/tmp",
             "--dir", home, "--dir", home + "/.ipython",
             "--bind", workdir, workdir, "--bind", rundir, rundir,
             "--ro-bind", LAUNCHER, "/opt/tp-launch.py",
             "--chdir", workdir, "--clearenv"]
    full_env = dict(env, HOME=home, IPYTHONDIR=home + "/.ipython", MPLCONFIGDIR=home + "/.matplotlib",
                    TMPDIR="/tmp", PYTHONPATH=os.path.dirname(pkg), PYTHONNOUSERSITE="1")
    for k, v in sorted(full_env.items()):
        argv += ["--setenv", k, str(v)]
    python = kernel_argv[0]
    argv += ["--", python, "/opt/tp-launch.py", str(memory_mb), str(file_mb), "--"] + list(kernel_argv[1:])
    return argv


def kernel_env(threads=1):
    """The environment of a grading kernel: nothing of the grader's, only what Python needs."""
    venv_bin = os.path.dirname(sys.executable)
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads), "NUMEXPR_NUM_THREADS": str(threads),
        "NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "VIRTUAL_ENV": sys.prefix,
    }
