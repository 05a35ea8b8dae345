"""Grading you can trust: nbgrader's pieces, one module each (configured in nbgrader_config.py).

In the order nbgrader uses them:

reading.CheckedNotebookExporter   reads a submission defensively (not UTF-8, not JSON, nbformat 3...)
rebuild.RebuildFromSource         every test and read-only cell back from the instructor's source
execute.JailedExecute             the kernel in a bubblewrap jail (jail.py, launch.py); test cells
                                  judged in the grader's process (judge.py), calling the student's
                                  functions through the agent in the kernel (agent.py, wire.py)
sanitize.SanitizeOutputs          no student HTML/script/SVG in the autograded notebook or feedback
feedback.HideHiddenTests          feedback without the hidden tests' code

flags.py (what a human should look at), source.py (the source notebook, names a cell defines),
suspicious.py (code that reaches for the grader's machinery: flagged ``tampered``).
"""
