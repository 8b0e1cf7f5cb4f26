# watchkeeper — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench soak clean install dev docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP) $@

install: $(STAMP)
dev: $(DEVSTAMP)

## run: start the gateway on embedded SQLite and replay the bundled demo session through the real hook
run: $(STAMP)
	$(BIN)/watchkeeper demo

## test: lint, type-check and run the whole suite
test: $(DEVSTAMP) lint typecheck unit

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

unit: $(DEVSTAMP)
	$(BIN)/pytest -q -m "not slow"

## bench: run the benchmark suite and rewrite BENCHMARKS.md
bench: $(DEVSTAMP)
	$(BIN)/python -m bench

soak: $(DEVSTAMP)
	$(BIN)/pytest -q -m slow

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info

## docs: regenerate the CLI reference from the command definitions
docs: $(STAMP)
	$(BIN)/python -m watchkeeper.cli._reference > docs/cli.md
