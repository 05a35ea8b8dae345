"""nbgrader configuration for the course (used by `tp-course`, plain `nbgrader`, and the formgrader)."""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The gradebook and the exchange can be moved (tests and `tp-course` use temporary ones).
from tp_course.nbgrader import db_url, exchange_root  # noqa: E402  (TP_COURSE_DB_URL, TP_COURSE_EXCHANGE)
c.CourseDirectory.db_url = db_url(c.CourseDirectory.root)
c.Exchange.root = exchange_root(c.CourseDirectory.root)
if not os.path.isdir(c.Exchange.root):  # else the Assignment List says "Error fetching courses"
    from tp_course.exchange import make_exchange
    make_exchange(c.Exchange.root)

# Students are created in the gradebook when their first submission is graded.
c.Autograde.create_student = True
# A cell that runs longer than this is stopped and scores 0 (infinite loops, very slow code).
c.ExecutePreprocessor.timeout = int(os.environ.get("TP_COURSE_CELL_TIMEOUT", "60"))
c.ExecutePreprocessor.interrupt_on_timeout = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# --- grading defenses (issue 10: jail + outside judge) ---
# See tp_course/grading/: these hold for `tp-course grade`, plain `nbgrader autograde`
# and the formgrader alike. Flags land in each autograded notebook's
# metadata["tp_course"]["flags"].
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, GetGrades, IgnorePattern,
    LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)
from tp_course.grading.feedback import FeedbackExporter, HideHiddenTests, MarkNotGradedYet  # noqa: E402
from tp_course.grading.reading import CheckedNotebookExporter  # noqa: E402
from tp_course.grading.rebuild import RebuildFromSource  # noqa: E402
from tp_course.grading.execute import JailedExecute  # noqa: E402
from tp_course.grading.sanitize import SanitizeOutputs  # noqa: E402

c.Autograde.exporter_class = CheckedNotebookExporter  # clear messages for unreadable files
c.Autograde.sanitize_preprocessors = [
    ClearOutput, RebuildFromSource, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [
    JailedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, SanitizeOutputs, CheckCellMetadata]
c.OverwriteCells.add_missing_cells = True  # belt and braces: RebuildFromSource already does it
# The kernel runs in a bubblewrap jail (tp_course/grading/jail.py); the test cells run in the
# grader's process and call the student's functions in the kernel (tp_course/grading/judge.py).
# TP_COURSE_JAIL=off grades without the jail (loud warning); without bubblewrap grading refuses.
c.JailedExecute.jail = os.environ.get("TP_COURSE_JAIL", "bwrap")
# Address-space limit of the grading kernel (MiB): a memory bomb raises MemoryError in its cell.
c.JailedExecute.memory_limit_mb = int(os.environ.get("TP_COURSE_MEMORY_LIMIT_MB", "4096"))
c.JailedExecute.notebook_timeout = int(os.environ.get("TP_COURSE_NOTEBOOK_TIMEOUT", "1200"))
# SanitizeOutputs: no student HTML, script, SVG or raw markup in the autograded notebook (the
# formgrader renders it as is) nor in the feedback (tp_course/grading/sanitize.py)
# MarkNotGradedYet: a written answer no human has graded yet says "not graded yet", and the
# total says it is provisional (tp_course/grading/feedback.py)
c.GenerateFeedback.exporter_class = FeedbackExporter  # the HTML page, rendered once (not parsed again)
c.GenerateFeedback.preprocessors = [
    HideHiddenTests, GetGrades, MarkNotGradedYet, SanitizeOutputs, CSSHTMLHeaderPreprocessor]
# --- end grading defenses ---

# --- MathJax without a CDN (issue 11) ---
# nbgrader's feedback and formgrade templates load MathJax from cdnjs: offline, every formula
# shows as raw LaTeX. Our templates/feedback/ and templates/formgrade/ come first and replace
# the `mathjax` macro: the feedback page inlines MathJax 3 (it is read from disk, alone), the
# formgrader's page loads MathJax 2 from the Jupyter server (jupyter-server-mathjax).
import nbgrader as _nbgrader  # noqa: E402
from tp_course.grading.feedback import TEMPLATES as _TP_TEMPLATES  # noqa: E402

c.HTMLExporter.extra_template_basedirs = [
    str(_TP_TEMPLATES),
    os.path.join(os.path.dirname(_nbgrader.__file__), "server_extensions", "formgrader", "templates")]
c.HTMLExporter.filters = {"mathjax_bundle": "tp_course.grading.feedback.mathjax_bundle"}
