"""The feedback and the formgrader render formulas offline, and the demo opens in the formgrader.

One demo of the mini course (``tp-course demo``, as ``make demo`` runs it) gives the feedback
pages and a gradebook; JupyterLab is started there with the command the demo prints, on
localhost, under a JupyterHub-like base URL. Where Debian's Chromium is installed, it renders
the pages with every address but localhost unreachable.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MINI, ROOT, run_cli
from tp_course.grading.feedback import mathjax_bundle

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium")
BASE = "/user/ada/"   # as under JupyterHub: the server's pages are not at the root
TOKEN = "offline-pages-test"
STUDENTS = {"ref_solution", "blank_release", "alt_correct", "wrong_1", "cheater"}


class _Tags(HTMLParser):
    """Every <script> (src and inline text) and <link href> of a page."""

    def __init__(self):
        super().__init__()
        self.srcs, self.inline, self.links, self._text = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.srcs.append(attrs["src"])
            self._text = []
        if tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._text is not None:
            self.inline.append("".join(self._text))
            self._text = None


def tags(page):
    t = _Tags()
    t.feed(page)
    return t


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``tp-course demo`` on the mini course: (its output, the course folder it prints)."""
    course = tmp_path_factory.mktemp("offline") / "course"
    shutil.copytree(MINI, course)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    proc = run_cli("demo", "-w", "2", cwd=course)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    m = re.search(r"to look at these submissions in the formgrader: cd (\S+) && (\S+) (lab.*)$", proc.stdout, re.M)
    assert m, proc.stdout[-2000:]
    course_dir = (course / m.group(1)).resolve()
    return proc.stdout, course_dir, [str((course_dir / m.group(2)).resolve()), *m.group(3).split()]


def _get(url, token=TOKEN):
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8", "replace")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo, tmp_path_factory):
    """JupyterLab started as the demo says (cd COURSE && JUPYTER lab), on localhost: its URL."""
    _, course_dir, command = demo
    home = tmp_path_factory.mktemp("jupyter")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TP_COURSE_", "JUPYTER"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    port = _free_port()
    log = open(home / "server.log", "w")
    proc = subprocess.Popen(
        [*command, "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.base_url={BASE}", f"--IdentityProvider.token={TOKEN}"],
        cwd=course_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}{BASE}"
    try:
        for _ in range(240):  # the server is up when its API answers (a machine under load is slow)
            if proc.poll() is not None:
                break
            try:
                if _get(url + "api/status")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the Jupyter server did not answer")
        assert proc.poll() is None, (home / "server.log").read_text()[-3000:]
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _chromium_dom(url, tmp_path):
    """The page's DOM once its scripts ran, with every address but localhost unreachable."""
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
         f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=30000", "--dump-dom", url],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


# --- the feedback ---------------------------------------------------------------------------

def test_feedback_pages_need_no_network(demo):
    _, course_dir, _ = demo
    pages = sorted((course_dir / "feedback").rglob("*.html"))
    assert {p.parts[-3] for p in pages} == STUDENTS
    bundle = mathjax_bundle("tex-svg-full.js")
    for path in pages:
        page = path.read_text()
        t = tags(page)
        assert t.srcs == [], (path, t.srcs)  # no script is fetched at all, from a CDN or a file
        assert not [h for h in t.links if re.match(r"(https?:)?//", h)], t.links
        assert "cdnjs" not in page and "cdn.jsdelivr.net/npm/mathjax" not in page
        assert bundle in t.inline  # MathJax 3 itself, whole, in the page
        assert "window.MathJax" in " ".join(t.inline)


def _tree(page):
    """Every element of a page: (tag, sorted attributes, its own text), as BeautifulSoup reads it."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(page, "html.parser")
    return [(e.name, sorted((k, str(v)) for k, v in e.attrs.items()), e.string) for e in soup.find_all(True)]


def test_feedback_exporter_gives_nbconverts_page(demo, tmp_path):
    """The feedback pages (rendered once, FeedbackExporter) are the pages nbconvert's HTMLExporter
    makes (rendered, then parsed and written again): the same elements, attributes and text."""
    from nbconvert.exporters import HTMLExporter

    from tp_course.autograde import feedback
    from tp_course.nbgrader import course_env, load_config
    _, course_dir, _ = demo
    copy = tmp_path / "course"
    shutil.copytree(course_dir, copy, ignore=shutil.ignore_patterns("feedback"))
    config = load_config(copy)
    assert config.GenerateFeedback.exporter_class.__name__ == "FeedbackExporter"
    config.GenerateFeedback.exporter_class = HTMLExporter
    env = course_env(copy, tmp_path / "jupyter", private=True)
    env["TP_COURSE_DB_URL"] = "sqlite:///" + str(copy / "gradebook.db")
    pages = sorted((course_dir / "feedback").rglob("*.html"))
    for student in STUDENTS:
        assert feedback(copy, config, env, student, "tp0") == ""
    for path in pages:
        theirs = (copy / path.relative_to(course_dir)).read_text()
        assert _tree(path.read_text()) == _tree(theirs), path


def test_feedback_exporter_describes_images_as_nbconvert_does():
    """An image without alt text gets nbconvert's: the one change HTMLExporter's second pass makes
    on nbgrader's (classic) feedback template."""
    from nbconvert.exporters import HTMLExporter
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from tp_course.grading.feedback import NO_ALT, FeedbackExporter
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    nb = new_notebook(cells=[
        new_markdown_cell("A figure: ![a dot](dot.png) and <img src='x.png'>"),
        new_code_cell("plot()", execution_count=1, outputs=[
            new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})])])
    ours, _ = FeedbackExporter(template_name="classic").from_notebook_node(nb)
    theirs, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    assert _tree(ours) == _tree(theirs)
    assert [e for e in _tree(ours) if e[0] == "img" and ("alt", NO_ALT) in e[1]]


@needs_chromium
def test_feedback_formulas_render_from_disk(demo, tmp_path):
    _, course_dir, _ = demo
    path = course_dir / "feedback" / "ref_solution" / "tp0" / "tp0_mini.html"
    assert "Because $x^2 \\geq 0$." in path.read_text()
    dom = _chromium_dom(path.as_uri(), tmp_path)
    assert "<mjx-container" in dom and "<svg" in dom  # MathJax typeset it, with SVG output
    assert "$x^2" not in dom  # no raw LaTeX left


# --- the demo's gradebook in the formgrader --------------------------------------------------

def test_demo_prints_a_formgrader_command_for_a_full_course(demo):
    out, course_dir, command = demo
    assert "to look at these submissions in the formgrader: cd build/demo && " in out
    assert os.access(command[0], os.X_OK) and command[1] == "lab"
    for name in ("nbgrader_config.py", "gradebook.db", "source", "release", "submitted", "autograded"):
        assert (course_dir / name).exists(), name
    from nbgrader.api import Gradebook
    with Gradebook("sqlite:///" + str(course_dir / "gradebook.db")) as gb:
        assert {s.student.id for s in gb.assignment_submissions("tp0")} == STUDENTS


def test_formgrader_lists_the_demo_submissions(server):
    status, _, body = _get(server + "formgrader/api/submissions/tp0")
    assert status == 200
    subs = json.loads(body)
    assert {s["student"] for s in subs} == STUDENTS
    assert all(s["autograded"] for s in subs)


def _submission_page(server, student="ref_solution"):
    _, _, body = _get(server + "formgrader/api/submitted_notebooks/tp0/tp0_mini")
    sid = next(s["id"] for s in json.loads(body) if s["student"] == student)
    return server + f"formgrader/submissions/{sid}/", _get(server + f"formgrader/submissions/{sid}/")[2]


def test_formgrader_page_loads_mathjax_from_the_server(server):
    _, page = _submission_page(server)
    t = tags(page)
    assert not [s for s in t.srcs if re.match(r"(https?:)?//", s)], t.srcs
    assert "cdnjs" not in page and "jsdelivr" not in page
    # the page builds MathJax's URL from its own base URL (set by the formgrader's header)
    base = re.search(r'var base_url = "([^"]*)/formgrader";', page).group(1)
    assert base + "/" == BASE
    path = re.search(r'"(static/jupyter_server_mathjax/MathJax\.js)\?config=', page).group(1)
    status, kind, js = _get(server + path, token="")  # static files: no token needed
    assert status == 200 and "javascript" in kind and "MathJax" in js


@needs_chromium
def test_formgrader_formulas_render_offline(server, tmp_path):
    url, page = _submission_page(server)
    assert "Because $x^2 \\geq 0$." in page
    dom = _chromium_dom(f"{url}?token={TOKEN}", tmp_path)
    assert 'class="MathJax' in dom  # MathJax 2 typeset the answer
    assert "Because $x^2" not in dom
