"""Wrong square; an IPython AST transformer wraps every later cell of the kernel in
`try: ... except BaseException: pass`. Test cells are not run by the kernel (the judge runs
them in the grader's process), so no assertion can be swallowed: 0, flag ``tampered``."""
from course import WRONG_SQUARE, with_answers, write_nb

EXPECT = {"test_square": 0, "test_cube": 3, "test_half": 1}
FLAGS = {"tampered"}

CHEAT = WRONG_SQUARE + '''
import ast
class _Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])]
        return ast.fix_missing_locations(node)
get_ipython().ast_transformers.append(_Swallow())
'''


def submit(release, folder):
    write_nb(folder, with_answers(release, square=CHEAT))
