"""nbgrader's configuration for students on the hub: which course, and where its exchange is.

The hub passes TP_COURSE_EXCHANGE to every server (jupyterhub_config.py); it is the folder made
by `tp-course exchange`, whose output gives these same two settings.
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)
c.CourseDirectory.course_id = "nn-from-scratch"
c.Exchange.root = os.environ.get("TP_COURSE_EXCHANGE", "/srv/nbgrader/exchange")
