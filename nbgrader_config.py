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
