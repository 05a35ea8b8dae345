"""The instructor side of the course: build, check, grade, demo.

Students never need this package; ``tp_utils`` is theirs.
"""
