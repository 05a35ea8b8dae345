"""Real Unix users for the tests of nbgrader's exchange, the JupyterLab UI and JupyterHub.

Needs root (useradd, runuser). The course's environment is a venv made from the system Python
(readable by every user), as on a shared teaching server; it is cached in /var/tmp by the hash
of pyproject.toml, so the tests that use it pay for it once per machine.
"""
import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

INSTRUCTOR, STUDENT = "tp_instructor", "tp_student"
needs_root = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("useradd"),
                                reason="needs root to create the instructor and student users")


def course_venv(extras=""):
    """The course installed (``pip install -e ROOT[extras]``) in a venv every user can run."""
    key = (ROOT / "pyproject.toml").read_bytes() + str(ROOT).encode() + extras.encode()
    venv = Path(f"/var/tmp/tp-course-venv-{hashlib.sha1(key).hexdigest()[:10]}")
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # test runs in parallel: one makes it, the others wait
        if not (venv / "bin" / "tp-course").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True)
            target = f"{ROOT}[{extras}]" if extras else str(ROOT)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-e", target], check=True,
                           capture_output=True)
    return venv


def unix_user(name):
    """Create the user NAME if missing; return its home (mode 0700: nobody else reads it)."""
    if subprocess.run(["id", name], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True)
    home = Path(f"/home/{name}")
    os.chmod(home, 0o700)
    return home


def user_env(user, home, venv, env=None):
    """The environment of USER's commands: a clean one, with the course's venv first on PATH."""
    return {"HOME": str(home), "USER": user, "PATH": f"{venv}/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg", **(env or {})}


def as_user(user, home, venv, *cmd, cwd=None, env=None, check=True, timeout=900):
    """Run CMD as USER (runuser, clean environment); raise with its output when it fails."""
    full_env = user_env(user, home, venv, env)
    proc = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in full_env.items()],
                           *cmd], cwd=cwd or home, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{user}: {' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def spawn_as_user(user, home, venv, *cmd, cwd=None, env=None, log=None):
    """Start CMD as USER in the background (its own process group); output to LOG."""
    full_env = user_env(user, home, venv, env)
    out = open(log, "wb") if log else subprocess.DEVNULL
    return subprocess.Popen(["runuser", "-u", user, "--", "env", "-i",
                             *[f"{k}={v}" for k, v in full_env.items()], *cmd],
                            cwd=cwd or home, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
