# Two commands do all the set-up on a fresh machine (Python 3.10+ and pip; PyPI reachable):
#   make demo   build the course, simulate a small class, grade it, print the table
#   make test   the whole test suite (what CI runs)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test check build bench live clean jail hub browser

# Grading kernels run in a bubblewrap jail (Debian package `bubblewrap`): installed here when
# missing and we are root (CI), otherwise the command to run is printed.
jail:
	@command -v bwrap >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	  else echo "grading needs bubblewrap: sudo apt-get install bubblewrap"; exit 1; fi; }

$(BIN)/tp-course: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# JupyterHub's proxy, a Node program (tests/test_hub.py, deploy/jupyterhub/): installed with npm
# when missing and we are root; without it the hub test is skipped, saying so.
hub:
	@command -v configurable-http-proxy >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }; \
	  npm install -g --silent configurable-http-proxy; \
	  else echo "the JupyterHub test needs: sudo npm install -g configurable-http-proxy"; fi; }

# Headless Chromium (Debian package `chromium`) for the tests that render pages; tests/test_ui.py
# drives it with Playwright (no browser download). Installed when missing and we are root;
# otherwise those tests are skipped, saying so.
browser:
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "the JupyterLab UI test needs: sudo apt-get install chromium"; fi; }

demo: $(BIN)/tp-course jail
	$(BIN)/tp-course demo

test: $(BIN)/tp-course jail hub browser
	$(BIN)/pytest

check: $(BIN)/tp-course jail
	$(BIN)/tp-course check

build: $(BIN)/tp-course
	$(BIN)/tp-course build

# the training step (1 and 2 BLAS threads), then grading a class against merely running its notebooks
# (BENCH_STUDENTS=100 students x tp1-tp4: about an hour on 2 cores; BENCH_STUDENTS=10 for a quick look)
BENCH_STUDENTS ?= 100
bench: $(BIN)/tp-course jail
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_grading.py --students $(BENCH_STUDENTS)

live: $(BIN)/tp-course
	$(BIN)/tp-course live

clean:
	rm -rf build autograded/* submitted/* feedback/* gradebook.db reports logs
	touch autograded/.gitkeep submitted/.gitkeep feedback/.gitkeep
