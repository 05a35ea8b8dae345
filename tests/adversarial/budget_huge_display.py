"""Wrong square; the cube answer cell (right cube) sends 200 MB of display_data (200 outputs
of 1 MB) in one cell. The grader keeps at most ``output_limit`` bytes of a cell's outputs
(then a note), so the graded notebook stays small and the rest of it is graded as usual."""
from course import CUBE, WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = set()
EXACT_FLAGS = True

FLOOD = CUBE.replace("    ### BEGIN SOLUTION\n", "").replace("\n    ### END SOLUTION", "") + '''
chunk = "y" * (1 << 20)
for i in range(200):
    display({"text/plain": chunk, "image/png": "iVBORw0KGgo" + "A" * 1000}, raw=True)
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=WRONG_SQUARE, cube=FLOOD))
