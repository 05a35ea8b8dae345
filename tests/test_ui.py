"""nbgrader's workflow through JupyterLab in headless Chromium, between two real Unix users.

The instructor builds and releases tp0 of the mini course (CLI). The student, in the browser:
opens Nbgrader -> Assignments (the course and tp0 are listed, no "Error fetching courses"),
fetches tp0, opens the notebook, writes the answers in the cells' editors, saves, validates
(the dialog says the notebook passes), submits. The instructor collects and grades (CLI), then,
in the browser, opens the formgrader, the student's submission, and types the written answer's
score; the gradebook then holds that manual score and the total.

Both servers are real ``jupyter lab`` processes on localhost (one per user, with a token),
driven by Playwright with Debian's Chromium (no browser download). A screenshot of each step
is saved in ``build/test-artifacts/ui/`` (``01-assignment-list.png``...), kept as artefacts,
with both servers' logs; on a failure, ``failed-N.png`` shows each page as it was.
Needs root (``useradd``) and ``/usr/bin/chromium`` (``make browser``).
"""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import MINI, ROOT
from multiuser import as_user, course_venv, needs_root, unix_user

# users of their own: tests/test_exchange.py may run at the same time (pytest -n 2)
INSTRUCTOR, STUDENT = "tp_ui_instructor", "tp_ui_student"
from ui_lab import CHROMIUM, open_nbgrader_panel, replace_cell_source, start_lab, stop_lab

pytestmark = [needs_root, pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                             reason=f"needs Debian's chromium ({CHROMIUM}): make browser")]

SHOTS = ROOT / "build" / "test-artifacts" / "ui"
TIMEOUT_MS = 180_000   # a loaded machine: kernels and nbgrader commands can take a while
COURSE_ID = "nn-from-scratch"
ANSWER = 'def square(x):\n    """Return x**2, element-wise. x: array of any shape."""\n    return x ** 2\n'
WRITTEN = "Because a square is never negative: x**2 >= 0 for every real x."


def _shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _gradebook(venv, home, course):
    """The student's tp0 grades, read with nbgrader's Gradebook as the instructor."""
    code = (
        "import json\nfrom nbgrader.api import Gradebook\n"
        f"with Gradebook('sqlite:///{course}/gradebook.db') as gb:\n"
        f"    s = gb.find_submission('tp0', {STUDENT!r})\n"
        f"    why = gb.find_grade('why', 'tp0_mini', 'tp0', {STUDENT!r})\n"
        "    print(json.dumps({'score': s.score, 'max_score': s.max_score, 'manual': why.manual_score,"
        " 'needs_manual_grade': s.needs_manual_grade}))\n")
    return json.loads(as_user(INSTRUCTOR, home, venv, "python", "-c", code, cwd=course).stdout)


def test_student_and_instructor_in_jupyterlab(tmp_path):
    venv = course_venv()
    teacher, student = unix_user(INSTRUCTOR), unix_user(STUDENT)
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    # an earlier run's fetched copy and nbgrader's record of its submissions
    shutil.rmtree(student / "tp0", ignore_errors=True)
    shutil.rmtree(student / ".local" / "share" / "jupyter" / "nbgrader_cache", ignore_errors=True)

    base = Path(tempfile.mkdtemp(prefix="tp-ui-"))
    os.chmod(base, 0o755)
    exchange = base / "exchange"
    made = subprocess.run([str(venv / "bin" / "tp-course"), "exchange", str(exchange)],
                          capture_output=True, text=True, check=True)
    course = teacher / "course"
    shutil.rmtree(course, ignore_errors=True)
    shutil.copytree(MINI, course)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    subprocess.run(["chown", "-R", f"{INSTRUCTOR}:{INSTRUCTOR}", str(course)], check=True)
    (student / ".jupyter").mkdir(exist_ok=True)
    (student / ".jupyter" / "nbgrader_config.py").write_text(made.stdout.split(":\n", 2)[-1])
    subprocess.run(["chown", "-R", f"{STUDENT}:{STUDENT}", str(student / ".jupyter")], check=True)
    t_env = {"TP_COURSE_EXCHANGE": str(exchange)}

    def instructor(*cmd):
        return as_user(INSTRUCTOR, teacher, venv, *cmd, cwd=course, env=t_env)

    labs = []
    try:
        instructor("tp-course", "--root", str(course), "build")
        instructor("nbgrader", "release_assignment", "tp0")
        labs.append(start_lab(STUDENT, student, venv, student, tmp_path / "student-lab.log"))
        labs.append(start_lab(INSTRUCTOR, teacher, venv, course, tmp_path / "instructor-lab.log", env=t_env))
        student_lab, teacher_lab = labs

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM)
            try:
                # --- the student ---
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.set_default_timeout(TIMEOUT_MS)
                expect.set_options(timeout=TIMEOUT_MS)
                page.goto(student_lab.url())
                page.locator("#jp-main-dock-panel").wait_for()
                open_nbgrader_panel(page, "nbgrader:open-assignment-list")
                released = page.locator("#released_assignments_list > .list_item")
                expect(released).to_have_count(1)
                expect(page.locator("#course_list_default")).to_have_text(COURSE_ID)
                expect(released.locator(".item_name")).to_have_text("tp0")
                expect(released.locator(".item_course")).to_have_text(COURSE_ID)
                expect(page.locator("#assignments")).not_to_contain_text("Error fetching courses")
                _shot(page, "01-assignment-list")

                released.locator(".item_status button").click()   # Fetch
                fetched = page.locator("#fetched_assignments_list > .list_item")
                expect(fetched).to_have_count(1)
                assert (student / "tp0" / "tp0_mini.ipynb").exists()
                _shot(page, "02-fetched")

                page.locator('#fetched_assignments_list a:text-is("tp0")').click()   # expand
                page.locator('#fetched_assignments_list a:text-is("tp0_mini")').click()   # open
                notebook = page.locator(".jp-NotebookPanel:visible")
                square = notebook.locator(".jp-Cell", has_text="def square")
                why = notebook.locator(".jp-MarkdownCell", has_text="YOUR ANSWER HERE")
                expect(square).to_have_count(1)
                replace_cell_source(page, square, ANSWER)
                replace_cell_source(page, why, WRITTEN)
                page.keyboard.press("ControlOrMeta+Enter")   # render the Markdown answer
                with page.expect_response(lambda r: r.request.method == "PUT"
                                          and "/api/contents/tp0/tp0_mini.ipynb" in r.url) as saved:
                    page.keyboard.press("ControlOrMeta+s")
                assert saved.value.ok
                on_disk = json.loads((student / "tp0" / "tp0_mini.ipynb").read_text())
                sources = ["".join(c["source"]) for c in on_disk["cells"]]
                assert ANSWER.strip() in [s.strip() for s in sources] and WRITTEN in sources
                _shot(page, "03-answered")

                notebook.locator("jp-button.validate-button").click()
                dialog = page.locator(".nbgrader-SuccessDialog")
                expect(dialog).to_contain_text("Success! Your notebook passes all the tests.")
                _shot(page, "04-validated")
                dialog.locator("button.jp-Dialog-button").click()

                page.locator('.lm-TabBar-tab:has-text("Assignments")').click()
                fetched.locator(".item_status button", has_text="Submit").first.click()
                submitted = page.locator("#submitted_assignments_list > .list_item")
                expect(submitted).to_have_count(1)
                expect(submitted.locator(".item_name").first).to_have_text("tp0")
                expect(submitted.locator(".nested_list_item")).to_have_count(1)   # one timestamp
                expect(submitted.locator(".nested_list_item")).to_contain_text(" UTC")
                _shot(page, "05-submitted")
                page.close()

                # --- the instructor: collect and grade, then the written answer in the formgrader ---
                instructor("nbgrader", "collect", "tp0")
                graded = instructor("tp-course", "--root", str(course), "grade", str(course / "submitted"))
                assert [line.split()[1:4] for line in graded.stdout.splitlines()
                        if line.startswith(STUDENT)] == [["tp0", "2", "2"]], graded.stdout
                assert _gradebook(venv, teacher, course)["needs_manual_grade"]

                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(teacher_lab.url())
                page.locator("#jp-main-dock-panel").wait_for()
                open_nbgrader_panel(page, "nbgrader:open-formgrader")
                grader = page.frame_locator("#formgrader-iframe iframe")
                grader.locator('a:text-is("Manual Grading")').click()
                grader.locator('a:text-is("tp0")').click()
                grader.locator('a:text-is("tp0_mini")').click()
                submission = grader.locator('a:text-is("Submission #1")')
                submission.wait_for()
                _shot(page, "06-formgrader-submissions")
                submission.click()
                score = grader.locator("input.score#why")
                expect(grader.locator(".nbgrader_cell", has_text=WRITTEN)).to_have_count(1)
                with page.expect_response(lambda r: r.request.method == "PUT"
                                          and "/formgrader/api/grade/" in r.url) as put:
                    score.click()
                    page.keyboard.type("1")
                    page.keyboard.press("Enter")   # leaves the box: the formgrader saves the grade
                assert put.value.ok
                expect(score).to_have_value("1")
                _shot(page, "07-formgrader-graded")
            except Exception:
                for i, shown in enumerate(p for context in browser.contexts for p in context.pages):
                    shown.screenshot(path=str(SHOTS / f"failed-{i}.png"))
                raise
            finally:
                browser.close()

        grades = _gradebook(venv, teacher, course)
        assert grades == {"score": 3.0, "max_score": 3.0, "manual": 1.0, "needs_manual_grade": False}, grades
    finally:
        for lab in labs:
            stop_lab(lab)
        for lab in labs:   # the servers' logs next to the screenshots
            shutil.copy(lab.log, SHOTS / lab.log.name)
        shutil.rmtree(base, ignore_errors=True)
