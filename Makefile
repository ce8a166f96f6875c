# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, run the daemon on the defaults (config/monitor.toml)
#   make test   create .venv, install with the test tools, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test lint fmt typecheck bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/spacy-model.txt
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/monitor run

test: install
	$(BIN)/python -m pytest -q || [ $$? -eq 5 ]

lint: install
	$(BIN)/ruff check monitor tests bench
	$(BIN)/ruff format --check monitor tests bench

fmt: install
	$(BIN)/ruff check --fix monitor tests bench
	$(BIN)/ruff format monitor tests bench

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/bench_poll.py
	$(BIN)/python bench/bench_analyze.py

clean:
	rm -rf $(VENV) build *.egg-info
