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
import pwd
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


def jail_user():
    """``(uid, gid)`` the jailed kernel runs as on the host: ``nobody`` when grading as root
    (root is exempt from the process limit, and should own nothing a kernel touches), else
    the grader's own user."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def hand_over(*paths):
    """Give the jailed user what it must write: the submission's copy and the run directory."""
    uid, gid = jail_user()
    if uid == os.geteuid():
        return
    for top in paths:
        for dirpath, dirnames, filenames in os.walk(top):
            for name in [dirpath] + [os.path.join(dirpath, n) for n in dirnames + filenames]:
                os.lchown(name, uid, gid)


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


def bwrap_argv(kernel_argv, workdir, rundir, env, memory_mb=4096, file_mb=512, tmp_mb=512, bwrap="bwrap",
               max_processes=256):
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
        Hard limits: address space, size of one file, size of the private /tmp and /dev/shm.
    max_processes : int
        Processes the kernel may start (a fork bomb stops there; RLIMIT_NPROC, per user).
    """
    home = "/tmp/home"
    uid, gid = jail_user()
    if uid == os.geteuid():   # an ordinary user: a user namespace, no capability at all
        argv = [bwrap, "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL"]
    else:  # root: no user namespace (root is exempt from limits there); the launcher drops to `uid`
        argv = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    argv += ["--hostname", "grading", "--die-with-parent", "--new-session"]
    argv += _system_dirs()
    pkg = os.path.dirname(os.path.abspath(tp_utils.__file__))
    ancestors = []
    for path in _python_roots() + [pkg, workdir, rundir]:
        parts = os.path.abspath(path).split(os.sep)[1:-1]
        ancestors += ["/" + "/".join(parts[:i + 1]) for i in range(len(parts))]
    ancestors = list(dict.fromkeys(a for a in ancestors if a != "/tmp"))
    # the private /tmp first, then every bind (a course or a venv under /tmp stays visible)
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(tmp_mb * 1024 * 1024), "--perms", "1777", "--tmpfs", "/dev/shm",
             "--size", str(tmp_mb * 1024 * 1024), "--perms", "1777", "--tmpfs", "/tmp",
             "--perms", "0777", "--dir", home, "--perms", "0777", "--dir", home + "/.ipython"]
    for d in ancestors:  # traversable by the jailed user (bubblewrap copies /root's 0700 otherwise)
        argv += ["--perms", "0755", "--dir", d]
    for root in _python_roots():
        argv += ["--ro-bind", root, root]
    argv += ["--ro-bind", pkg, pkg,
             "--bind", workdir, workdir, "--bind", rundir, rundir,
             "--ro-bind", LAUNCHER, "/opt/tp-launch.py",
             "--chdir", workdir, "--clearenv"]
    full_env = dict(env, HOME=home, IPYTHONDIR=home + "/.ipython", MPLCONFIGDIR=home + "/.matplotlib",
                    TMPDIR="/tmp", PYTHONPATH=os.path.dirname(pkg), PYTHONNOUSERSITE="1")
    for k, v in sorted(full_env.items()):
        argv += ["--setenv", k, str(v)]
    python = kernel_argv[0]
    nproc = max_processes   # counted in the jail's own user namespace (Linux >= 5.14)
    argv += ["--", python, "/opt/tp-launch.py", str(memory_mb), str(file_mb), str(nproc), str(uid), str(gid), "--"]
    return argv + list(kernel_argv[1:])



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
