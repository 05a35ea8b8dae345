"""Lazy answers (issue 12): a library doing the exercise, a gradient by numerical differentiation.

Unit checks of the static reading (``suspicious.library_uses``), then the whole mechanism under
real grading (nbgrader autograde, jailed kernel, judge): the hidden tests of a tiny course read
the code the kernel ran and count the calls a gradient makes to the student's own function.
"""
import shutil
import textwrap

import nbformat

from conftest import ROOT
from tp_course.grading.suspicious import library_uses

NUMPY = "import numpy as np\n"


def uses(*cells, name="f", follow=None):
    return library_uses([NUMPY] + [textwrap.dedent(c) for c in cells], name, follow=follow)


def test_library_calls_are_found_however_they_are_written():
    assert uses("from scipy.special import expit as e\ndef f(x):\n    return e(x)\n") == ["scipy.special.expit"]
    assert uses("import scipy as sp\ndef f(x):\n    return sp.special.expit(x)\n") == ["scipy.special.expit"]
    assert uses("def f(x):\n    from sklearn.utils import extmath\n    return extmath.softmax(x)\n") == \
        ["sklearn.utils.extmath.softmax"]
    assert uses("import scipy.special as s\nf = s.log_expit\n") == ["scipy.special.log_expit"]
    # through a helper of the student's own, in another cell; through a global bound to the library
    assert uses("import torch\ndef _g(x):\n    return torch.sigmoid(x)\n", "def f(x):\n    return _g(x) + 0\n") == \
        ["torch.sigmoid"]
    assert uses("import scipy.special\nLSE = scipy.special.logsumexp\n", "def f(x):\n    return LSE(x)\n") == \
        ["scipy.special.logsumexp"]
    # imports it cannot see: strings naming a library, __import__, a star import
    assert uses("def f(x):\n    return __import__('scipy.special').special.expit(x)\n") == \
        ["'scipy.special'", "__import__()"]
    assert uses("from scipy.special import *\ndef f(x):\n    return expit(x) + len(x)\n") == \
        ["expit (from scipy.special import *)"]
    # IPython syntax, magics and exec do not hide it; the last definition is the one that counts
    for cell in ("%time\nfrom scipy.special import expit\n", "%%capture\nfrom scipy.special import expit\n",
                 "%time from scipy.special import expit\n", "exec('from scipy.special import expit')\n"):
        assert uses(cell, "def f(x):\n    return expit(x)\n") == ["scipy.special.expit"], cell
    assert uses("def f(x):\n    return np.tanh(x)\n", "from scipy.special import expit\ndef f(x):\n    return expit(x)\n") \
        == ["scipy.special.expit"]


def test_numpy_answers_are_not_blamed():
    stable = "def f(x):\n    z = np.exp(-np.abs(x))\n    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))\n"
    assert uses(stable) == []
    assert uses("import scipy.special   # to compare by hand\n" + stable) == []          # imported, not used
    assert uses("from scipy.special import expit as e\ndef f(x, e=2.0):\n    return e * x\n") == []  # shadowed
    assert uses("from scipy.special import expit\ndef f(x):\n    return np.tanh(x)\n",
                "def f(x):\n    return 0.5 * (1 + np.tanh(0.5 * x))\n") == []          # redefined with numpy
    # another graded answer it calls is charged by its own test (one slip, one charge)
    cells = ("from scipy.special import softmax\n", "def g(z, y):\n    return softmax(z) - np.eye(len(z))[y]\n")
    assert uses(*cells, name="g") == ["scipy.special.softmax"]
    assert uses(*cells, "def softmax(z):\n    from scipy.special import softmax as s\n    return s(z)\n", name="g",
                follow=lambda h: h != "softmax") == []


MINI_LAZY = '''\
# %% [markdown]
# # Lazy answers

# %%
import numpy as np

# %% nbgrader={"grade": false, "grade_id": "sigmoid", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sigmoid(x):
    ### BEGIN SOLUTION
    return 0.5 * (1 + np.tanh(0.5 * x))
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_sigmoid", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
assert abs(sigmoid(np.array(0.0)) - 0.5) < 1e-12
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("sigmoid")
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def loss(w):
    ### BEGIN SOLUTION
    return float(np.sum(w ** 3))
    ### END SOLUTION


def loss_grad(w):
    ### BEGIN SOLUTION
    return 3 * w ** 2
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_loss_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
assert np.allclose(loss_grad(np.array([1.0, 2.0])), [3.0, 12.0], atol=1e-6)
### BEGIN HIDDEN TESTS
from tp_course.answers import check_calls, counting_calls
with counting_calls("loss") as calls:
    g = loss_grad(np.array([1.0, -2.0, 0.5]))
check_calls("loss_grad(w)", calls, {"loss": 0})
assert np.allclose(g, [3.0, 12.0, 0.75], atol=1e-6)
assert np.allclose(loss(np.array([1.0, 2.0])), 9.0)   # the student's own loss is back
### END HIDDEN TESTS
'''

SCIPY_SIGMOID = '''
from scipy.special import expit
def sigmoid(x):
    return expit(x)
'''
NUMERICAL_GRADIENT = '''
def loss_grad(w):
    g = np.zeros(w.shape)
    for i in range(w.size):
        e = np.zeros(w.shape)
        e[i] = 1e-6
        g[i] = (loss(w + e) - loss(w - e)) / 2e-6
    return g
'''


def test_lazy_answers_lose_their_points_under_real_grading(tmp_path):
    from tp_course.build import build, prepare_course
    from tp_course.grade import grade
    from tp_course.students import fill, write

    course = tmp_path / "course"
    (course / "notebooks" / "tp9").mkdir(parents=True)
    (course / "notebooks" / "tp9" / "tp9_lazy.py").write_text(MINI_LAZY)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    build(course)
    src = nbformat.read(str(course / "source" / "tp9" / "tp9_lazy.ipynb"), as_version=4)
    rel = nbformat.read(str(course / "release" / "tp9" / "tp9_lazy.ipynb"), as_version=4)
    sub = tmp_path / "submitted"
    students = {"ref": {}, "scipy": {"sigmoid": SCIPY_SIGMOID}, "numerical": {"loss": NUMERICAL_GRADIENT},
                "numpy_with_scipy_imported": {"sigmoid": "import scipy.special  # to compare by hand\n"}}
    for student, extra in students.items():
        write(fill(rel, src, extra=extra), sub / student / "tp9" / "tp9_lazy.ipynb")
    work = tmp_path / "grading"
    env = prepare_course(course, work)
    by = {r.student: r for r in grade(work, sub, workers=2, env=env, progress=False, feedback=False)}
    assert by["ref"].cells == {"test_sigmoid": (1.0, 1.0), "test_loss_grad": (1.0, 1.0)}
    assert by["numpy_with_scipy_imported"].auto_score == 2
    assert by["scipy"].cells["test_sigmoid"][0] == 0 and by["scipy"].cells["test_loss_grad"][0] == 1
    assert by["numerical"].cells["test_sigmoid"][0] == 1 and by["numerical"].cells["test_loss_grad"][0] == 0
    autograded = nbformat.read(str(work / "autograded" / "numerical" / "tp9" / "tp9_lazy.ipynb"), as_version=4)
    errors = [o["evalue"] for c in autograded.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert any("loss_grad(w) called your loss 6 times" in e for e in errors), errors
    autograded = nbformat.read(str(work / "autograded" / "scipy" / "tp9" / "tp9_lazy.ipynb"), as_version=4)
    errors = [o["evalue"] for c in autograded.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert any("sigmoid: calls scipy.special.expit" in e for e in errors), errors
