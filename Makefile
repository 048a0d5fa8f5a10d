# Two commands on a fresh machine with Python 3.11:
#   make run   - virtual environment, install, migrate, seed the demo city on an empty instance, serve
#   make test  - virtual environment with test tools, lint, type check, all tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench clean system

system:
	bash scripts/system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: system $(VENV)/.runtime
	$(BIN)/python app.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: system $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

test: lint typecheck pytest

bench: $(VENV)/.dev
	$(BIN)/python bench/import.py
	$(BIN)/python bench/indicators.py
	$(BIN)/python bench/board.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
