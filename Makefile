# watchkeeper — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench soak clean install dev docs browser system screenshots

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

## test: install the system packages tests drive, lint, type-check and run the whole suite
test: $(DEVSTAMP) system lint typecheck unit

## system: install the Debian packages the tests drive, when missing: chromium (the
## Playwright browser tests), at (the at-job persistence test) and cron (the crontab
## command, read when cron's spool is not readable)
system:
	command -v chromium >/dev/null && command -v atq >/dev/null && command -v crontab >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq chromium at cron)

## browser: install Debian's chromium when missing
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

unit: $(DEVSTAMP) system
	$(BIN)/pytest -q -m "not slow"

## bench: run the benchmark suite and rewrite BENCHMARKS.md
bench: $(DEVSTAMP)
	$(BIN)/python -m bench

## screenshots: drive a demo gateway in chromium and rewrite docs/screenshots/*.png
screenshots: $(DEVSTAMP) browser
	$(BIN)/python -m tools.screenshots docs/screenshots
	$(BIN)/python -m tools.report_screenshot docs/screenshots

## soak: the slow tests, then the scale-out soak (4 gateways, 2 workers, 500 agents, faults);
## its figures replace the Soak section of BENCHMARKS.md (see docs/deployment-guide.md)
soak: $(DEVSTAMP)
	$(BIN)/pytest -q -m slow
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info

## docs: regenerate the CLI reference from the command definitions
docs: $(STAMP)
	$(BIN)/python -m watchkeeper.cli._reference > docs/cli.md
