"""A tiny nbgrader course to attack: one assignment ``ps1``, one notebook ``mini``.

Three auto-graded test cells (``test_square`` 2 pts, ``test_cube`` 3 pts,
``test_half`` 1 pt) after three answer cells, and one hand-graded markdown answer.
The hidden tests use what real hidden tests use: ``numpy.testing``, ``np.allclose``,
``np.isclose``, builtins (``abs``, ``round``, ``len``, ``isinstance``) and ``tp_utils``.
Every hidden region holds the marker ``SECRET_HIDDEN_MARKER`` so a leak is easy to see.
"""
import os
import shutil

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tp_course.nbgrader import course_env
from tp_course.nbgrader import run as run_nbgrader

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ASSIGNMENT = "ps1"
NOTEBOOK = "mini"
POINTS = {"test_square": 2.0, "test_cube": 3.0, "test_half": 1.0}
FULL = dict(POINTS)
ZERO = {k: 0.0 for k in POINTS}


def _meta(grade_id, grade=False, solution=False, locked=False, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
         "solution": solution, "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


SETUP = "import numpy as np\nfrom tp_utils import check_array"

SQUARE = '''def square(x):
    """Element-wise square of an array."""
    ### BEGIN SOLUTION
    return x ** 2
    ### END SOLUTION'''

TEST_SQUARE = '''# visible test
check_array("square(2)", square(np.array([2.0])), [4.0])
### BEGIN HIDDEN TESTS
SECRET_HIDDEN_MARKER = 1
x = np.arange(5.0)
np.testing.assert_allclose(square(x), x * x, err_msg="square is wrong on 0..4")
assert np.allclose(square(-x), x * x), "square is wrong on negative numbers"
assert abs(float(square(np.array(3.0))) - 9.0) < 1e-12, "square(3) should be 9"
assert len(square(x)) == 5
check_array("square(x)", square(x), x * x)
### END HIDDEN TESTS'''

CUBE = '''def cube(x):
    """Element-wise cube of an array."""
    ### BEGIN SOLUTION
    return x ** 3
    ### END SOLUTION'''

TEST_CUBE = '''check_array("cube(2)", cube(np.array([2.0])), [8.0])
### BEGIN HIDDEN TESTS
SECRET_HIDDEN_MARKER = 2
rng = np.random.default_rng(0)
x = rng.normal(size=7)
assert np.isclose(cube(x), x * x * x).all(), "cube is wrong on random numbers"
assert round(float(cube(np.array(1.5))), 3) == 3.375
assert isinstance(cube(x), np.ndarray)
### END HIDDEN TESTS'''

HALF = '''def half(x):
    """Half of x."""
    ### BEGIN SOLUTION
    return x / 2
    ### END SOLUTION'''

TEST_HALF = '''check_array("half(2)", half(np.array([2.0])), [1.0])
### BEGIN HIDDEN TESTS
SECRET_HIDDEN_MARKER = 3
np.testing.assert_allclose(half(np.arange(4.0)), [0, 0.5, 1, 1.5])
### END HIDDEN TESTS'''


def source_notebook():
    cells = [
        new_markdown_cell("# Mini assignment\n\nsquare (2 pts), cube (3 pts), half (1 pt), explain (1 pt)."),
        new_code_cell(SETUP),
        new_markdown_cell("## Square"),
        new_code_cell(SQUARE, metadata=_meta("square", solution=True)),
        new_code_cell(TEST_SQUARE, metadata=_meta("test_square", grade=True, locked=True, points=2)),
        new_markdown_cell("## Cube"),
        new_code_cell(CUBE, metadata=_meta("cube", solution=True)),
        new_code_cell(TEST_CUBE, metadata=_meta("test_cube", grade=True, locked=True, points=3)),
        new_markdown_cell("## Half"),
        new_code_cell(HALF, metadata=_meta("half", solution=True)),
        new_code_cell(TEST_HALF, metadata=_meta("test_half", grade=True, locked=True, points=1)),
        new_markdown_cell("Why is x**2 exact for small integers?",
                          metadata=_meta("explain_q", locked=True)),
        new_markdown_cell("Because they are exactly representable.",
                          metadata=_meta("explain", grade=True, solution=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def env_for(root, timeout=3, memory_mb=1024, notebook_timeout=20):
    """The course environment (``tp_course.nbgrader.course_env``), with short limits for the attacks:
    ``timeout`` s per cell, ``notebook_timeout`` s per notebook, ``memory_mb`` MiB per kernel."""
    env = course_env(root, os.path.join(root, ".jupyter"))
    for k in ("TP_COURSE_DB_URL", "TP_COURSE_EXCHANGE"):
        env.pop(k, None)
    env.update({
        "IPYTHONDIR": os.path.join(root, ".jupyter", "ipython"),
        "TP_COURSE_CELL_TIMEOUT": str(timeout),
        "TP_COURSE_MEMORY_LIMIT_MB": str(memory_mb),
        "TP_COURSE_NOTEBOOK_TIMEOUT": str(notebook_timeout),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def nbgrader(root, *args, env=None, check=True):
    """Run ``nbgrader <args>`` in the course ``root``; return the CompletedProcess."""
    return run_nbgrader(list(args), root, env or env_for(root), check=check)


def make_course(root, **env_kw):
    """Create and generate the course in ``root``; return the release notebook."""
    os.makedirs(root, exist_ok=True)
    shutil.copy(os.path.join(REPO, "nbgrader_config.py"), os.path.join(root, "nbgrader_config.py"))
    src = os.path.join(root, "source", ASSIGNMENT)
    os.makedirs(src, exist_ok=True)
    nbformat.write(source_notebook(), os.path.join(src, NOTEBOOK + ".ipynb"))
    env = env_for(root, **env_kw)
    for d in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        os.makedirs(env[d], exist_ok=True)
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force", env=env)
    return nbformat.read(os.path.join(root, "release", ASSIGNMENT, NOTEBOOK + ".ipynb"), as_version=4)


def submission_dir(root, student):
    d = os.path.join(root, "submitted", student, ASSIGNMENT)
    os.makedirs(d, exist_ok=True)
    return d


def find_cell(nb, grade_id):
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def answer(nb, grade_id, code):
    """Put ``code`` in the answer cell ``grade_id`` of ``nb`` (in place); return nb."""
    nb.cells[find_cell(nb, grade_id)].source = code
    return nb


def solved(nb):
    """The release notebook with the instructor's answers typed in."""
    nb = nbformat.from_dict(nb)
    for gid, code in (("square", SQUARE), ("cube", CUBE), ("half", HALF)):
        answer(nb, gid, code.replace("    ### BEGIN SOLUTION\n", "").replace("\n    ### END SOLUTION", ""))
    return nb


def scores(root, student, db_url=None):
    """``{grade_id: score}`` of the auto-graded cells of a student, from the gradebook."""
    from nbgrader.api import Gradebook
    db_url = db_url or "sqlite:///" + os.path.join(root, "gradebook.db")
    with Gradebook(db_url) as gb:
        nb = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        return {g.name: float(g.score) for g in nb.grades if g.name in POINTS}


WRONG_SQUARE = '''def square(x):
    return x * 2   # right at x = 2 (the visible test), wrong elsewhere
'''


def write_nb(folder, nb, name=NOTEBOOK + ".ipynb"):
    nbformat.write(nb, os.path.join(folder, name))


def with_answers(release, **answers):
    """The solved notebook with some answer cells replaced (grade_id=code)."""
    nb = solved(release)
    for gid, code in answers.items():
        answer(nb, gid, code)
    return nb


def insert_after(nb, grade_id, *codes):
    """Insert ordinary code cells (the student's own) right after the cell ``grade_id``; return nb."""
    i = find_cell(nb, grade_id)
    for k, code in enumerate(codes, 1):
        nb.cells.insert(i + k, new_code_cell(code))
    return nb


# Processes an attack leaves behind carry this in their command line: after the grading, none
# may be alive on the host (tests/test_adversarial.py::test_no_stray_processes).
STRAY_MARKER = "ADV_STRAY_PROCESS"


# The end of a snooping answer cell: square is right only if the snoop found something.
RIGHT_IF_FOUND = """
if found:
    def square(x):
        return x ** 2
else:
    def square(x):
        return x * 2
"""
