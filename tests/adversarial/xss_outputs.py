"""Right answers whose cells display active content, and a markdown answer with raw HTML:
``IPython.display.HTML('<script>...')``, ``Javascript``, an SVG with ``onload``, Markdown with
an event handler, a raw ``text/html`` iframe, objects with ``_repr_html_`` / ``_repr_svg_`` /
``_repr_javascript_`` / ``_repr_markdown_``, and ``<img src=x onerror=...>`` / ``<script>`` /
a ``javascript:`` link in the written answer. The graded notebook keeps text and raster images
only, the markdown is neutralised; the feedback page has exactly the active content of a clean
one (tests/test_adversarial.py::test_xss_inert). Not flagged: displaying things is allowed."""
from course import CUBE, SQUARE, find_cell, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 3, "test_half": 1}
FLAGS = set()            # display() is what a notebook uses: not suspicious
EXACT_FLAGS = True


def _plain(code):
    return code.replace("    ### BEGIN SOLUTION\n", "").replace("\n    ### END SOLUTION", "")


DISPLAYS = _plain(SQUARE) + '''
from IPython.display import HTML, SVG, Javascript, Markdown, display
display(HTML("<script>alert('xss-html')</script><img src=x onerror=alert('xss-img')>"))
display(Javascript("alert('xss-js')"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\\'xss-svg\\')"><circle r="4"/></svg>'))
display(Markdown("<b onmouseover=alert('xss-md')>bold</b> [x](javascript:alert('xss-link'))"))
display({"text/html": "<iframe src=javascript:alert('xss-iframe')></iframe>",
         "text/plain": "plain text kept"}, raw=True)
'''

REPRS = _plain(CUBE) + '''
class Evil:
    def _repr_html_(self):
        return "<script>alert('xss-repr-html')</script>"
    def _repr_svg_(self):
        return '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    def _repr_javascript_(self):
        return "alert('xss-repr-js')"
    def _repr_markdown_(self):
        return "<img src=x onerror=alert('xss-repr-md')>"
    def __repr__(self):
        return "an Evil object"
Evil()
'''

ANSWER = ("Because they are exactly representable. <img src=x onerror=alert('xss-answer')>\n\n"
          "<script>alert('xss-answer-script')</script> [see](javascript:alert('xss-answer-link'))")


def submit(release, folder):
    nb = with_answers(release, square=DISPLAYS, cube=REPRS)
    nb.cells[find_cell(nb, "explain")].source = ANSWER
    write_nb(folder, nb)
