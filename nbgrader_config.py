"""nbgrader configuration for the course (used by `tp-course`, plain `nbgrader`, and the formgrader)."""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The gradebook and the exchange can be moved (tests and `tp-course` use temporary ones).
c.CourseDirectory.db_url = os.environ.get(
    "TP_COURSE_DB_URL", "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db"))
c.Exchange.root = os.environ.get("TP_COURSE_EXCHANGE", os.path.join(c.CourseDirectory.root, "exchange"))

# Students are created in the gradebook when their first submission is graded.
c.Autograde.create_student = True
# A cell that runs longer than this is stopped and scores 0 (infinite loops, very slow code).
c.ExecutePreprocessor.timeout = int(os.environ.get("TP_COURSE_CELL_TIMEOUT", "60"))
c.ExecutePreprocessor.interrupt_on_timeout = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# --- grading defenses (issue 7) ---
# See tp_course/defenses.py: these hold for `tp-course grade`, plain `nbgrader autograde`
# and the formgrader alike. Flags land in each autograded notebook's
# metadata["tp_course"]["flags"].
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, GetGrades, IgnorePattern,
    LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)
from tp_course.defenses import (  # noqa: E402
    CheckedNotebookExporter, GuardedExecute, HideHiddenTests, RebuildFromSource)

c.Autograde.exporter_class = CheckedNotebookExporter  # clear messages for unreadable files
c.Autograde.sanitize_preprocessors = [
    ClearOutput, RebuildFromSource, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [
    GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata]
c.OverwriteCells.add_missing_cells = True  # belt and braces: RebuildFromSource already does it
# Address-space limit of the grading kernel (MiB): a memory bomb raises MemoryError in its cell.
c.GuardedExecute.memory_limit_mb = int(os.environ.get("TP_COURSE_MEMORY_LIMIT_MB", "4096"))
# Kernel in its own user+mount namespaces where source/, submitted/, autograded/, feedback/ and
# the gradebook are empty: "auto" = when `unshare --user` works on this machine; "on"; "off".
c.GuardedExecute.sandbox = os.environ.get("TP_COURSE_SANDBOX", "auto")
c.GenerateFeedback.preprocessors = [HideHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
# --- end grading defenses ---
