"""The JupyterHub recipe (deploy/jupyterhub/) on localhost: real users, PAM logins, one exchange.

Follows deploy/jupyterhub/README.md: two Unix accounts in the groups the hub knows (an
instructor and a student, with passwords), an exchange made by `tp-course exchange`, the course
in the instructor's home, the hub started as root from the course's environment. Then, over
HTTP only, as a browser would: both log in, their servers start, and the round trip runs
through the hub: release (formgrader) -> fetch, edit, submit (the student's Assignment List and
contents API) -> collect (formgrader) -> `tp-course grade` (a terminal in the instructor's
JupyterLab) -> generate and release feedback (formgrader) -> fetch feedback (student).
The student's server has no formgrader, no Create Assignment, no course list; the instructor's has.
Needs root and `configurable-http-proxy` (`make hub`: `npm install -g configurable-http-proxy`).
"""
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import closing
from pathlib import Path

import nbformat
import pytest
import requests
import urllib3

from conftest import MINI, ROOT
from multiuser import as_user, course_venv, needs_root, unix_user
from tp_course.students import fill

RECIPE = ROOT / "deploy" / "jupyterhub"
# accounts of their own: the hub's state (servers, ~/.jupyter, fetched folders) never meets
# test_exchange's or test_ui's
TEACHER, STUDENT = "tp_hub_instructor", "tp_hub_student"
GROUPS = {TEACHER: "nn-instructors", STUDENT: "nn-students"}
COURSE_ID = "nn-from-scratch"
NBGRADER_UI = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
               "@jupyter/nbgrader:course-list")

pytestmark = [needs_root, pytest.mark.skipif(
    not shutil.which("configurable-http-proxy"),
    reason="configurable-http-proxy is not installed (make hub: npm install -g configurable-http-proxy)")]


def free_port():
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_account(name, password):
    """The Unix user NAME with an empty home, in its group, with PASSWORD (README step 3)."""
    home = unix_user(name)
    for child in home.iterdir():   # an earlier run's course, fetched folders, ~/.jupyter
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    subprocess.run(["groupadd", "-f", GROUPS[name]], check=True)
    subprocess.run(["usermod", "-aG", GROUPS[name], name], check=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return home


def wait_for(what, probe, timeout, log=None):
    """Call PROBE every second until it returns a true value; fail after TIMEOUT seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = probe()
        if value:
            return value
        time.sleep(1)
    tail = Path(log).read_text(errors="replace")[-4000:] if log else ""
    raise AssertionError(f"{what}: not after {timeout} s\n{tail}")


class Browser:
    """One person's HTTP session on the hub: cookies, and the XSRF header JupyterHub wants."""

    def __init__(self, base, user, password, log):
        self.base, self.user, self.log = base, user, log
        self.http = requests.Session()
        # configurable-http-proxy (node) closes idle keep-alive sockets after 5 s: a request sent on
        # one as it closes is reset. A fresh connection each time, and GETs retried on a reset.
        self.http.headers["Connection"] = "close"
        self.http.mount("http://", requests.adapters.HTTPAdapter(
            max_retries=urllib3.util.Retry(total=3, connect=3, read=3, status=0, backoff_factor=1,
                                           allowed_methods={"GET"})))
        page = self.http.get(f"{base}/hub/login", timeout=60)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        done = self.http.post(f"{base}/hub/login", data={"username": user, "password": password,
                                                          "_xsrf": xsrf},
                              allow_redirects=False, timeout=120)   # following it would spawn
        assert done.status_code == 302 and "jupyterhub-hub-login" in self.http.cookies, f"{user} cannot log in"

    def xsrf(self, path):
        return {"X-XSRFToken": self.http.cookies.get("_xsrf", path=path), "Sec-Fetch-Mode": "cors"}

    def start_server(self):
        """Start the user's JupyterLab through the hub's API; wait until it serves."""
        r = self.http.post(f"{self.base}/hub/api/users/{self.user}/server", headers=self.xsrf("/hub/"),
                           timeout=60)
        assert r.status_code in (201, 202), r.text

        def ready():
            user = self.http.get(f"{self.base}/hub/api/users/{self.user}", timeout=60).json()
            return user["servers"].get("", {}).get("ready")
        wait_for(f"{self.user}'s server", ready, 400, self.log)
        lab = self.get("lab")      # the OAuth hand-over: sets the server's cookies
        assert lab.status_code == 200, lab.status_code
        return lab

    def url(self, path):
        return f"{self.base}/user/{self.user}/{path}"

    def get(self, path, **kw):
        return self.http.get(self.url(path), timeout=120, **kw)

    def post(self, path, **kw):
        r = self.http.post(self.url(path), headers=self.xsrf(f"/user/{self.user}/"), timeout=900, **kw)
        assert r.status_code < 300, f"POST {path}: {r.status_code} {r.text[:2000]}"
        return r.json() if r.content else None

    def page_config(self, lab):
        """The JupyterLab page's configuration (what plugins it disables)."""
        data = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                         lab.text, re.S).group(1)
        return json.loads(data)

    def run_in_terminal(self, command, timeout=900):
        """Run COMMAND in a new JupyterLab terminal (websocket); return its exit status."""
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect
        name = self.post("api/terminals")["name"]
        ws_url = self.url(f"terminals/websocket/{name}").replace("http://", "ws://")
        cookie = requests.cookies.get_cookie_header(self.http.cookies, requests.Request("GET", self.url("")))

        async def talk():
            ws = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": cookie,
                                                                     "Sec-Fetch-Mode": "websocket"}))
            await ws.write_message(json.dumps(["stdin", f"{command}; echo TP-RC-$?\r"]))
            seen, end = "", time.monotonic() + timeout
            while time.monotonic() < end:
                msg = await asyncio.wait_for(ws.read_message(), timeout=end - time.monotonic())
                assert msg is not None, f"terminal closed: {seen[-2000:]}"
                kind, *payload = json.loads(msg)
                if kind == "stdout":
                    seen += payload[0]
                    found = re.search(r"TP-RC-(\d+)", seen)
                    if found:
                        ws.close()
                        return int(found.group(1))
            raise AssertionError(f"terminal: no end after {timeout} s: {seen[-2000:]}")
        try:
            return asyncio.run(talk())
        finally:
            self.http.delete(self.url(f"api/terminals/{name}"), headers=self.xsrf(f"/user/{self.user}/"),
                             timeout=60)

    def read_text(self, path):
        r = self.get(f"api/contents/{path}", params={"type": "file", "format": "text", "content": 1})
        assert r.status_code == 200, f"{path}: {r.status_code}"
        return r.json()["content"]


def formgrader(instructor, path):
    """POST to the instructor's formgrader API; fail with nbgrader's log unless it succeeded."""
    reply = instructor.post(path)
    assert reply["success"], f"{path}: {reply.get('error')}\n{reply.get('log')}"
    return reply


def stop(hub, state, users):
    """Stop the hub (it stops the servers it spawned), then whatever of it is left, by pid."""
    if hub.poll() is None:
        os.killpg(hub.pid, signal.SIGTERM)
        try:
            hub.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
            hub.wait(30)
    pids = []
    proxy = state / "jupyterhub-proxy.pid"
    if proxy.exists():
        pids.append(proxy.read_text().strip())
    for user in users:   # the test's own accounts: everything they run was started by this test
        pids += subprocess.run(["ps", "-o", "pid=", "-u", user], capture_output=True, text=True).stdout.split()
    for pid in filter(None, pids):
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_round_trip_through_the_hub():
    venv = course_venv("dev")
    passwords = {name: secrets.token_urlsafe(12) for name in GROUPS}
    teacher_home, student_home = (fresh_account(name, passwords[name]) for name in (TEACHER, STUDENT))
    base_dir = Path(tempfile.mkdtemp(prefix="tp-hub-"))
    os.chmod(base_dir, 0o755)
    exchange, etc, state = base_dir / "exchange", base_dir / "etc" / "jupyterhub", base_dir / "state"

    # README step 4: the exchange; step 5: the course, built by its instructor
    made = subprocess.run([str(venv / "bin" / "tp-course"), "exchange", str(exchange)],
                          capture_output=True, text=True, check=True)
    assert "c.Exchange.root" in made.stdout
    course = teacher_home / "course"
    shutil.copytree(MINI, course)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    subprocess.run(["chown", "-R", f"{TEACHER}:{TEACHER}", str(course)], check=True)
    as_user(TEACHER, teacher_home, venv, "tp-course", "build", cwd=course)

    # step 6: the recipe's files, the hub as root on free local ports
    shutil.copytree(RECIPE, etc)
    state.mkdir()
    port = free_port()
    hub_log = base_dir / "hub.log"
    log = hub_log.open("wb")
    hub = subprocess.Popen(
        [str(venv / "bin" / "jupyterhub"), "-f", str(etc / "jupyterhub_config.py"), "--ip", "127.0.0.1",
         "--port", str(port), f"--JupyterHub.hub_port={free_port()}",
         f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{free_port()}"],
        cwd=state, env={"PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                        "TP_COURSE_EXCHANGE": str(exchange)},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def hub_up():
            assert hub.poll() is None, "the hub stopped:\n" + hub_log.read_text()[-4000:]
            try:
                return requests.get(f"{base}/hub/api", timeout=10).ok
            except requests.ConnectionError:
                return False
        wait_for("the hub", hub_up, 180, hub_log)
        teacher = Browser(base, TEACHER, passwords[TEACHER], hub_log)
        student = Browser(base, STUDENT, passwords[STUDENT], hub_log)
        with pytest.raises(AssertionError, match="cannot log in"):
            Browser(base, STUDENT, "not the password", hub_log)

        # the two roles: the student_home's JupyterLab has none of nbgrader's instructor tools
        teacher_lab, student_lab = teacher.start_server(), student.start_server()
        assert teacher.get("formgrader").status_code == 200
        assert student.get("formgrader").status_code == 404
        assert student.get("formgraders").status_code == 404       # the course list's handler
        disabled = student.page_config(student_lab)["disabledExtensions"]
        assert set(NBGRADER_UI) <= set(disabled), disabled
        assert not set(NBGRADER_UI) & set(teacher.page_config(teacher_lab)["disabledExtensions"])
        assert student.http.get(teacher.url("formgrader"), timeout=120).status_code == 403   # not hers

        # release (formgrader) -> fetch (the student_home's Assignment List)
        formgrader(teacher, "formgrader/api/assignment/tp0/release")
        listed = student.get("assignments", params={"course_id": COURSE_ID}).json()
        assert [a["assignment_id"] for a in listed["value"]] == ["tp0"], listed
        assignment = {"course_id": COURSE_ID, "assignment_id": "tp0"}
        student.post("assignments/fetch", data=assignment)
        fetched = student_home / "tp0" / "tp0_mini.ipynb"
        assert fetched.exists() and fetched.owner() == STUDENT

        # the student_home answers (contents API, as JupyterLab saves) and submits
        model = student.get("api/contents/tp0/tp0_mini.ipynb").json()
        source_nb = nbformat.read(str(course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
        answered = fill(nbformat.from_dict(model["content"]), source_nb)
        saved = student.http.put(student.url("api/contents/tp0/tp0_mini.ipynb"), headers=student.xsrf(f"/user/{STUDENT}/"),
                             json={"type": "notebook", "format": "json", "content": answered}, timeout=120)
        assert saved.status_code == 200, saved.text
        submitted = student.post("assignments/submit", data=assignment)
        assert any(a["status"] == "submitted" for a in submitted["value"]), submitted

        # collect (formgrader) -> tp-course grade (a terminal in the instructor's JupyterLab)
        formgrader(teacher, "formgrader/api/assignment/tp0/collect")
        assert (course / "submitted" / STUDENT / "tp0" / "tp0_mini.ipynb").exists()
        rc = teacher.run_in_terminal("tp-course --root ~/course grade ~/course/submitted > ~/course/grade.log 2>&1")
        table = teacher.read_text("course/grade.log")
        assert rc == 0, table
        row = [line for line in table.splitlines() if line.startswith(STUDENT)]
        assert row and row[0].split()[1:4] == ["tp0", "2", "2"], table
        score = teacher.get(f"formgrader/api/submission/tp0/{STUDENT}").json()
        assert (score["code_score"], score["max_code_score"]) == (2, 2), score

        # feedback (formgrader) -> fetch feedback (student_home): no hidden test in it
        formgrader(teacher, "formgrader/api/assignment/tp0/generate_feedback")
        formgrader(teacher, "formgrader/api/assignment/tp0/release_feedback")
        student.post("assignments/fetch_feedback", data=assignment)
        pages = list((student_home / "tp0" / "feedback").rglob("tp0_mini.html"))
        assert len(pages) == 1, pages
        html = student.read_text(str(pages[0].relative_to(student_home)))
        assert "tp0_mini (Score: 2.0 / 3.0)" in html and "Test cell</a> (Score: 2.0 / 2.0)" in html
        assert "BEGIN HIDDEN TESTS" not in html and "np.testing.assert_allclose" not in html
    finally:
        stop(hub, state, (TEACHER, STUDENT))
        log.close()
        shutil.rmtree(base_dir, ignore_errors=True)
