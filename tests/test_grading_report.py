"""What is really left to grade: the score table and the feedback before and after a human grades.

nbgrader scores an unanswered written answer 0 by itself (its checksum is the release's), and
marks an answered one ``needs_manual_grade``: only the second waits for a human.
"""
import csv
import re

import nbformat

from tp_course.build import build
from tp_course.grade import Result, grade, read_scores
from tp_course.nbgrader import course_env, gradebook, run as nbgrader
from tp_course.report import format_table, write_csv
from tp_course.students import fill, write

# a second written answer, added to this test's copy of the mini notebook
SECOND_ANSWER = '''
# %% [markdown] nbgrader={"grade": true, "grade_id": "why_zero", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# The square is 0 only at $x = 0$.
'''


def _feedback(course, student):
    return (course / "feedback" / student / "tp0" / "tp0_mini.html").read_text()


def _answer_footer(page, grade_id):
    """The HTML of one answer cell's panel, from its anchor to the next cell's anchor."""
    start = page.index(f'<a name="{grade_id}">')
    nxt = page.find('<a name="', start + 1)
    return page[start:nxt if nxt > 0 else len(page)]


def test_table_and_feedback_say_what_is_left_for_a_human(mini_course, tmp_path):
    nb_py = mini_course / "notebooks" / "tp0" / "tp0_mini.py"
    nb_py.write_text(nb_py.read_text() + SECOND_ANSWER)
    build(mini_course)
    src = nbformat.read(str(mini_course / "source" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    rel = nbformat.read(str(mini_course / "release" / "tp0" / "tp0_mini.ipynb"), as_version=4)
    # ada answers "why" and leaves "why_zero" blank; bob answers nothing
    write(fill(rel, src, blank=("why_zero",)), tmp_path / "in" / "ada" / "tp0" / "tp0_mini.ipynb")
    write(fill(rel, src, blank="all"), tmp_path / "in" / "bob" / "tp0" / "tp0_mini.ipynb")

    results = {r.student: r for r in grade(mini_course, tmp_path / "in", workers=2, progress=False)}
    ada, bob = results["ada"], results["bob"]
    assert (ada.manual_max, ada.to_grade, ada.to_grade_max, ada.manual_score) == (3, 1, 1, 0)
    assert (bob.manual_max, bob.to_grade, bob.manual_score) == (3, 0, 0)
    table = format_table([ada, bob])
    ada_row, bob_row = table.splitlines()[2:4]
    assert "1 to grade (1 pt)" in ada_row, table
    assert "to grade" not in bob_row and " 0/3 " in bob_row, table
    rows = {r["student"]: r for r in csv.DictReader(open(write_csv([ada, bob], tmp_path / "g.csv")))}
    assert (rows["ada"]["to_grade"], rows["ada"]["to_grade_max"], rows["bob"]["to_grade"]) == ("1", "1", "0")

    page = _feedback(mini_course, "ada")
    assert "Not graded yet" in _answer_footer(page, "why")
    assert "Not graded yet" not in _answer_footer(page, "why_zero")  # blank: 0 is its grade
    assert "No response." in _answer_footer(page, "why_zero")
    assert re.search(r"Provisional score.*1 answer \(1 point\) not graded yet.*href=\"#why\"", page), page[:3000]
    bob_page = _feedback(mini_course, "bob")
    assert "Not graded yet" not in bob_page and "Provisional score" not in bob_page

    # a human grades ada's answer, as the formgrader does; the feedback is made again
    with gradebook(mini_course, course_env(mini_course)) as gb:
        g = gb.find_grade("why", "tp0_mini", "tp0", "ada")
        g.manual_score, g.needs_manual_grade = 1.0, False
        gb.db.commit()
    nbgrader(["generate_feedback", "tp0", "--student=ada", "--force"], mini_course)
    page = _feedback(mini_course, "ada")
    assert "Not graded yet" not in page and "Provisional score" not in page
    assert "(Score: 3.0 / 5.0)" in page  # test 2/2 + why 1/1 + why_zero 0/2
    after = read_scores(mini_course, course_env(mini_course), "ada", "tp0")
    assert (after.to_grade, after.manual_score) == (0, 1)
    assert " 1/3 " in format_table([after])


def test_written_column_without_written_answers_or_pending():
    none = Result("eve", "tp1", 2, 2)
    done = Result("eve", "tp2", 2, 2, 5, manual_score=4)
    pending = Result("eve", "tp3", 2, 2, 5, to_grade=2, to_grade_max=4)
    lines = format_table([none, done, pending]).splitlines()[2:]
    assert [line.split()[4] for line in lines] == ["-", "4/5", "2"]
    assert "2 to grade (4 pts)" in lines[2]


def test_a_new_gradebook_is_stamped_as_nbgraders_alembic_command_says(tmp_path, monkeypatch):
    """The gradebooks made in-process (a worker's private ones) carry the alembic revision that
    nbgrader gets from the ``alembic`` command, without running it (not on PATH here)."""
    import subprocess
    import sys
    from pathlib import Path

    from nbgrader.dbutil import _temp_alembic_ini
    from sqlalchemy import text
    with _temp_alembic_ini("sqlite:///gradebook.db") as ini:
        heads = subprocess.run([str(Path(sys.executable).with_name("alembic")), "-c", ini, "heads"],
                               capture_output=True, text=True, check=True).stdout
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with gradebook(tmp_path) as gb:
        stamp = gb.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert stamp == heads.split()[0]
