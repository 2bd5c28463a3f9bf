# salesflow on a fresh machine: `make demo` to see it, `make test` to check it.
# Needs only python3 (with venv) and make; everything else goes into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= build/demo.db
DEMO_ARGS ?=
PYTEST_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv demo test bench clean wheel-smoke

help:
	@echo "make demo   build a demo database ($(DEMO_DB)) and tour it"
	@echo "make test   run the test suite (PostgreSQL tests need initdb/pg_ctl or SALESFLOW_TEST_PG_URL)"
	@echo "make bench  time salesflow against its targets (issues 8, 21): needs hyperfine, taskwarrior, sqlite3, postgresql; ~1 h"
	@echo "make venv   create $(VENV) and install salesflow with its test tools"
	@echo "make wheel-smoke  build the real wheel, install it in a fresh venv, run a scenario from it"
	@echo "make clean  remove $(VENV), build/ and caches"

venv: $(VENV)/.installed

# Rebuilt only when pyproject.toml changes, so repeated runs start at once.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { \
	  echo "$(PYTHON) cannot make virtual environments; on Debian: apt-get install python3-venv" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@# An editable install leaves no bytecode, and with PYTHONDONTWRITEBYTECODE set every command
	@# would compile salesflow anew: compile it once, as pip does for a regular install.
	$(BIN)/python -m compileall -q src
	@touch $@

# The demo refuses a database that already holds deals, so each run starts from a new file.
demo: $(VENV)/.installed
	@mkdir -p $(dir $(DEMO_DB))
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/salesflow --db $(DEMO_DB) demo $(DEMO_ARGS)
	@echo "(salesflow is $(BIN)/salesflow: \`. $(BIN)/activate\` puts it on your PATH)"

# pytest's exit 5 means it collected no test at all: said loudly, not counted as a failure.
# On every core (pytest-xdist), and it names the 20 slowest tests at the end.
test: $(VENV)/.installed
	@$(BIN)/python -m pytest -n auto --durations=20 $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests (exit 5)" >&2; exit 0; fi; \
	exit $$status

# Not part of `make test`: it takes minutes and its numbers depend on the machine's load.
# BENCH_ARGS=--quick for small sizes, BENCH_ARGS='--only due10k' for one row (bench/README.md).
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The editable install hides packaging holes (a data file left out of the wheel): build the real
# wheel, install it into a fresh venv outside the source tree and run a scenario from it.
wheel-smoke: $(VENV)/.installed
	@rm -rf build/wheel build/wheel-venv build/wheel-run
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps -w build/wheel .
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/python -m pip install --quiet --disable-pip-version-check build/wheel/salesflow-*.whl
	bash tests/wheel_smoke.sh build/wheel-venv/bin/salesflow build/wheel-run

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
