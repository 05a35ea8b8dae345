# %% [markdown]
# # Mini assignment
# Total: 3 points.

# %%
import numpy as np

# %% nbgrader={"grade": false, "grade_id": "square", "locked": false, "schema_version": 3, "solution": true, "task": false}
def square(x):
    """Return x**2, element-wise. x: array of any shape."""
    ### BEGIN SOLUTION
    return x * x
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_square", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert square(3) == 9
### BEGIN HIDDEN TESTS
np.testing.assert_allclose(square(np.arange(4.)), np.arange(4.) ** 2)
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": true, "grade_id": "why", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# Because $x^2 \geq 0$.
