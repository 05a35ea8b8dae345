"""JupyterLab servers run as real Unix users, and the few page actions the UI test repeats.

A server is ``jupyter lab`` on 127.0.0.1 with a token, started with :func:`multiuser.spawn_as_user`
(its own process group, so :func:`stop_lab` ends it and everything it started).
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from multiuser import spawn_as_user

CHROMIUM = "/usr/bin/chromium"
NBGRADER_MENU = '#jp-menu-panel div.lm-MenuBar-itemLabel:text-is("Nbgrader")'


@dataclass
class Lab:
    """One running ``jupyter lab``: its process, address and token."""
    proc: subprocess.Popen
    port: int
    token: str
    log: Path

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path="lab"):
        """The address of PATH, with the token."""
        return f"{self.base}/{path}?token={self.token}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_lab_settings(home, user):
    """USER's JupyterLab opens on an empty workspace, with no news pop-up (nor its fetch).

    (``/lab?reset`` would clear the workspace too, but again at each change of the page's
    ``#fragment``, which nbgrader's Assignment List makes: that would close its panel.)
    """
    shutil.rmtree(home / ".jupyter" / "lab" / "workspaces", ignore_errors=True)
    folder = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    subprocess.run(["chown", "-R", f"{user}:{user}", str(home / ".jupyter")], check=True)


def start_lab(user, home, venv, root, log, env=None, timeout=300):
    """Start ``jupyter lab`` as USER serving ROOT; return once its API answers."""
    fresh_lab_settings(home, user)
    port, token = free_port(), secrets.token_hex(16)
    proc = spawn_as_user(
        user, home, venv, "jupyter", "lab", "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        cwd=root, env=env, log=log)
    lab = Lab(proc, port, token, Path(log))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"jupyter lab as {user} exited ({proc.returncode}):\n{lab.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{lab.base}/api/status?token={token}", timeout=10) as r:
                if r.status == 200:
                    return lab
        except OSError:
            time.sleep(1)   # not listening yet: poll again
    stop_lab(lab)
    raise AssertionError(f"jupyter lab as {user} did not answer in {timeout} s:\n{lab.log.read_text()[-3000:]}")


def stop_lab(lab, grace=30):
    """End the server's process group: SIGTERM (it shuts its kernels down), then SIGKILL."""
    if lab is None or lab.proc.poll() is not None:
        return
    os.killpg(lab.proc.pid, signal.SIGTERM)
    try:
        lab.proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(lab.proc.pid, signal.SIGKILL)
        lab.proc.wait(grace)


def open_nbgrader_panel(page, command):
    """Open a panel from JupyterLab's Nbgrader menu (COMMAND: e.g. nbgrader:open-assignment-list)."""
    page.locator(NBGRADER_MENU).click()
    page.locator(f'#jp-mainmenu-nbgrader li[data-command="{command}"]').click()


def replace_cell_source(page, cell, text):
    """Replace the source of CELL (a ``.jp-Cell`` locator) by TEXT in its CodeMirror editor."""
    editor = cell.locator(".cm-content")
    if not editor.is_visible():   # a rendered Markdown cell: double-click to edit it
        cell.locator(".jp-MarkdownOutput").dblclick()
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(text)   # as typed, without the editor's auto-indent on each Enter
