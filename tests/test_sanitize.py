"""Student content must not run in the feedback page nor in the formgrader (no kernel)."""
import copy
import os

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

import nbgrader
from tp_course.grading.sanitize import (
    SanitizeOutputs, find_active_content, neutralise_markdown, sanitize_html)

TEMPLATES = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")
BOOTSTRAP_CSS = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader",
                             "static", "node_modules", "bootstrap", "dist", "css")
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
ANSWER = "answer $x < 0$ <script>alert(2)</script> <img src=x onerror=alert(3)>\n\n> quoted"
BIG = 300_000


def display(data, **metadata):
    return new_output("display_data", data=data, metadata=metadata)


def notebook(evil=True):
    """A submission; with ``evil``, its outputs and answer try to run script."""
    outputs = [
        new_output("stream", name="stdout", text="the student's plain text\n"),
        display({"image/png": PNG}, **{"image/png": {"width": 10}}),
        new_output("execute_result", data={"text/plain": "42 is the answer"}, execution_count=1),
    ]
    if evil:
        outputs += [
            display({"text/html": "<script>alert(1)</script>", "text/plain": "<HTML object>"}),
            display({"text/html": "<img src=x onerror=alert(1)>"}),
            display({"application/javascript": "alert(1)"}),
            display({"image/svg+xml": "<svg><script>alert(1)</script></svg>"}),
            display({"text/markdown": "<b onmouseover=alert(1)>bold</b>"}),
            display({"image/png": PNG}, **{"image/png": {"width": "1 onerror=alert(1)"}}),
            display({"image/png": '" onerror="alert(1)'}),
            new_output("stream", name="stdout", text="y" * BIG),
        ]
    meta = {"nbgrader": {"solution": True, "grade": True, "grade_id": "answer", "points": 1,
                         "locked": False, "schema_version": 3, "score": 1, "comment": "ok"}}
    cells = [
        new_markdown_cell("# TP0\nSome instructions, $x^2$."),
        new_code_cell("result = compute()", outputs=outputs, execution_count=1),
        new_markdown_cell(ANSWER if evil else "answer $x < 0$\n\n> quoted", metadata=meta),
    ]
    if evil:
        cells[2].attachments = {"a.svg": {"image/svg+xml": "PHN2Zz48L3N2Zz4="}, "b.png": {"image/png": PNG}}
    return new_notebook(cells=cells)


def sanitized(nb):
    nb, _ = SanitizeOutputs().preprocess(copy.deepcopy(nb), {})
    return nb


def feedback_page(nb):
    """Render like nbgrader's GenerateFeedback (its 'feedback' template)."""
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [TEMPLATES]
    c.HTMLExporter.extra_template_paths = [BOOTSTRAP_CSS]
    exporter = HTMLExporter(config=c)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(), enabled=True)
    resources = {"nbgrader": {"notebook": "tp0", "score": 1, "max_score": 2, "late_penalty": 0}}
    return exporter.from_notebook_node(nb, resources=resources)[0]


def formgrade_page(nb):
    """Render like the formgrader's SubmissionHandler (its 'formgrade' template)."""
    c = Config()
    c.HTMLExporter.template_name = "formgrade"
    c.HTMLExporter.extra_template_basedirs = [TEMPLATES]
    resources = {
        "assignment_id": "tp0", "notebook_id": "tp0", "submission_id": "abc", "index": 0,
        "total": 1, "base_url": "", "student": "s1", "last_name": "L", "first_name": "F",
        "notebook_path": "autograded/s1/tp0/tp0.ipynb",
    }
    return HTMLExporter(config=c).from_notebook_node(nb, resources=resources)[0]


@pytest.fixture(scope="module")
def evil():
    return notebook(evil=True)


def test_unsanitized_pages_do_run_student_script(evil):
    """The threat is real: without SanitizeOutputs both pages carry the student's script."""
    for render in (feedback_page, formgrade_page):
        assert len(find_active_content(render(evil))) > len(find_active_content(render(notebook(False))))


@pytest.mark.parametrize("render", [feedback_page, formgrade_page])
def test_sanitized_page_has_only_the_templates_scripts(evil, render):
    page = render(sanitized(evil))
    assert find_active_content(page) == find_active_content(render(notebook(evil=False)))
    assert "alert(1)" not in page  # the outputs are gone
    # the markdown answer is still shown, as text
    assert "&lt; script&gt;alert(2)&lt; /script&gt;" in page
    assert "&lt; img src=x onerror=alert(3)&gt;" in page
    assert "$x &lt; 0$" in page  # MathJax reads the text "x < 0"
    assert "<blockquote>" in page
    assert "the student&#39;s plain text" in page or "the student's plain text" in page
    assert "42 is the answer" in page
    assert page.count(f"data:image/png;base64,{PNG}") == 2
    assert "y" * 100_000 not in page and "characters not shown]" in page


def test_outputs_kept_and_removed(evil):
    nb = sanitized(evil)
    outputs = nb.cells[1].outputs
    kinds = [sorted(out.get("data", {})) or out.output_type for out in outputs]
    assert kinds == ["stream", ["image/png"], ["text/plain"], ["text/plain"],
                     ["text/plain"], ["text/plain"], ["text/plain"], ["text/plain"],
                     ["image/png"], ["text/plain"], "stream"]
    assert outputs[3].data["text/plain"] == "<HTML object>"
    assert outputs[4].data["text/plain"] == "[output removed: text/html is not shown in grading]"
    assert outputs[1].metadata == {"image/png": {"width": 10}}
    assert outputs[8].metadata == {}  # the width that was not a number is gone
    assert nb.metadata["tp_course"]["sanitized"] == 7
    assert list(nb.cells[2].attachments) == ["b.png"]
    nbformat.validate(nb)


def test_stream_is_capped_per_cell(evil):
    before = sum(len(out.text) for out in evil.cells[1].outputs if out.output_type == "stream")
    streams = [out.text for out in sanitized(evil).cells[1].outputs if out.output_type == "stream"]
    assert sum(map(len, streams)) <= 100_000
    text, note = streams[-1].rsplit("\n[... ", 1)
    shown = sum(map(len, streams[:-1])) + len(text)
    assert note == f"{before - shown} characters not shown]\n"


def test_max_chars_is_configurable():
    nb = new_notebook(cells=[new_code_cell(outputs=[new_output("stream", name="stdout", text="z" * 500)])])
    c = Config()
    c.SanitizeOutputs.max_chars = 200
    out = SanitizeOutputs(config=c).preprocess(nb, {})[0].cells[0].outputs[0]
    assert len(out.text) <= 200 and out.text.endswith("characters not shown]\n")


def test_idempotent(evil):
    once = sanitized(evil)
    twice = sanitized(once)
    assert twice.cells == once.cells
    assert twice.metadata["tp_course"]["sanitized"] == once.metadata["tp_course"]["sanitized"]


@pytest.mark.parametrize("source", [
    "[click](javascript:alert(1))",
    "[click](JaVa&#115;cript:alert(1))",
    "$$\\href{javascript:alert(1)}{x}$$",
    "<\\/b><!-- x --><?php ?> </p>",
])
def test_markdown_tricks(source):
    safe = neutralise_markdown(source)
    page = feedback_page(new_notebook(cells=[new_markdown_cell(safe)]))
    assert find_active_content(page) == find_active_content(feedback_page(new_notebook()))
    assert "<b>" not in page and "<!-- x" not in page


def test_markdown_math_is_unchanged_for_mathjax():
    assert neutralise_markdown("$0<x<1$ and $a < b$") == "$0< x<1$ and $a < b$"


def test_find_active_content():
    html = ('<p onclick="f()">x</p><script src="a.js"></script><script>var a = 1;</script>'
            '<a href=" JavaScript:go()">y</a><iframe src="data:text/html,hi"></iframe><b>ok</b>')
    assert find_active_content(html) == [
        "<p onclick=f()>", "<script src=a.js>", "<script >var a = 1;",
        "<a href= JavaScript:go()>", "<iframe src=data:text/html,hi>"]
    assert find_active_content("<p>fine <img src='data:image/png;base64,AA'></p>") == []


def test_sanitize_html_fragment():
    clean = sanitize_html('<b onclick="x()">a</b><script>alert(1)</script><a href="javascript:y()">l</a>')
    assert find_active_content(clean) == []
    assert "<b>a</b>" in clean
