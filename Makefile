# The README's two commands, on a fresh clone with only Python 3.11+ (no root needed):
#   make demo    cards for the bundled sample campaign, in postcards-demo/
#   make test    ruff, then pytest
# Both create .venv and install the project into it (editable, with the test extra) once;
# the install is redone when pyproject.toml changes.  `make PYTHON=python3.12 test` picks
# the interpreter; VENV the environment's folder, so that several Pythons can live side by
# side (`make PYTHON=python3.12 VENV=.venv-3.12 test`, as .ci/run does for 3.11 to 3.13).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint bench dist clean distclean

install: $(INSTALLED)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "postcards needs Python 3.11 or newer; try: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	$(BIN)/python -m compileall -q postcards  # as a wheel's install does: a run does not compile
	touch $@

demo: $(INSTALLED)
	$(BIN)/postcards demo -o postcards-demo

lint: $(INSTALLED)
	$(BIN)/ruff check postcards tests bench
	$(BIN)/ruff format --check postcards tests bench
	$(BIN)/mypy

# pytest keeps its rewritten test modules as bytecode, as Python keeps its own, unless
# PYTHONDONTWRITEBYTECODE is set (as on some machines): then every run rewrites them all
# again, about 9 s in each test process.
# One test process more than the cores: a part of the suite waits on Chromium, on servers
# and on the programs it starts, and the extra process works meanwhile.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: lint
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -n $(TEST_WORKERS)

bench: $(INSTALLED)
	$(BIN)/python -m pip install --quiet "qrcode>=7"  # the reference peer imports it
	$(BIN)/python bench/cards.py $(BENCH)
	if [ -d ../shared/peers ]; then $(BIN)/python bench/cards.py --peer; fi
	$(BIN)/python bench/cards.py --layout a4-2up 1000
	$(BIN)/python bench/stages.py
	$(BIN)/python bench/phases.py 10000
	$(BIN)/python bench/assign.py
	$(BIN)/python bench/scan.py
	$(BIN)/python bench/station.py
	$(BIN)/python bench/station_faults.py
	$(BIN)/python bench/posters.py
	$(BIN)/python bench/offices.py

# The sdist and the wheel built from it, in dist/; build/ is emptied first because
# setuptools packs whatever an earlier build left there.
dist: $(INSTALLED)
	rm -rf build dist
	$(BIN)/python -m build

clean:
	rm -rf build dist *.egg-info postcards-demo .pytest_cache .ruff_cache .hypothesis
	find postcards tests bench samples -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .venv-3.*
