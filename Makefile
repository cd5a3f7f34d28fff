# Liaison: make demo (see it work), make sandbox (try it in a browser), make run (start it for
# real), make test (every check).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run migrate check-config test test-fast lint fmt demo sandbox clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Liaison needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/liaison run

migrate: install
	$(BIN)/liaison migrate

demo: install
	$(BIN)/liaison demo --html data/demo.html

sandbox: install
	$(BIN)/liaison sandbox

check-config: install
	$(BIN)/liaison check-config

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -x -q

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
