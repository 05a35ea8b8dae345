"""`tp-course exchange`: nbgrader's exchange folder, made so that an instructor and students
(different Unix users on one machine, or on a JupyterHub) can release, fetch, submit and collect.

nbgrader wants the exchange root to exist and to be writable by everyone (it then creates
``<course>/inbound`` write-only for students, ``<course>/outbound`` read-only for them, and
``<course>/feedback``). The instructor's ``nbgrader_config.py`` points at it with
``TP_COURSE_EXCHANGE``; each student needs the two lines :func:`student_config` returns.
"""
import os
import stat
from pathlib import Path

COURSE_ID = "nn-from-scratch"


def make_exchange(root):
    """Create the exchange root (mode 1777: everyone writes, nobody removes another's files)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO | stat.S_ISVTX)
    return root


def student_config(root, course_id=COURSE_ID):
    """The ``nbgrader_config.py`` a student needs (in ``~/.jupyter/``) to fetch and submit."""
    return (f"c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n"
            f"c.Exchange.root = {str(root)!r}\n")
