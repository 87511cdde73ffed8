# spm-audit developer tasks. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := out

.DEFAULT_GOAL := help
.PHONY: help dev demo test lint check-rules system-deps lsp-deps goldens vocabulary bench wheel-check clean

help:  ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt hatch_build.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "spm-audit needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/spm-audit doctor
	@touch $(STAMP)

dev: $(STAMP)  ## create .venv and install spm-audit with the development tools

demo: $(STAMP)  ## assess the bundled example institution into out/demo-report.pdf
	@mkdir -p $(OUT)
	$(BIN)/spm-audit demo -o $(OUT)/demo-report.pdf

lint: $(STAMP)  ## ruff (format and lint), mypy --strict, import layers
	$(BIN)/ruff format --check engine cli.py hatch_build.py tests bench
	$(BIN)/ruff check engine cli.py hatch_build.py tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

check-rules: $(STAMP)  ## lint every bundled rule set, run its examples and tests (and the third-party example's)
	$(BIN)/spm-audit rules lint
	$(BIN)/spm-audit rules lint examples/rulesets/rma_code
	$(BIN)/spm-audit rules test universal-standards smart-campaign spi examples/rulesets/rma_code

system-deps:  ## check for chromium (browser tests) and LibreOffice Calc (spreadsheet tests), installing them with apt-get when possible
	@for need in chromium:chromium soffice:libreoffice-calc-nogui; do \
		command=$${need%%:*}; package=$${need#*:}; \
		if command -v $$command >/dev/null 2>&1; then \
			echo "$$command: $$(command -v $$command)"; \
		elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing the Debian package $$package (for the tests that need $$command)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$package || exit 1; \
		else \
			echo "error: the tests need $$command: install the Debian package '$$package' (apt-get install $$package) and run make test again" >&2; \
			exit 1; \
		fi; \
	done

YAML_SERVER := .cache/node/node_modules/yaml-language-server/bin/yaml-language-server

lsp-deps: $(YAML_SERVER)  ## install the YAML language server (npm) for the editor-schema tests

$(YAML_SERVER):
	@command -v npm >/dev/null 2>&1 || { echo "error: the editor-schema tests need node and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm install --silent --no-audit --no-fund --prefix .cache/node yaml-language-server@1.25.0

test: system-deps lsp-deps lint check-rules wheel-check  ## check system packages, lint, check the wheel, then run the whole suite
	$(BIN)/pytest

goldens: $(STAMP)  ## rewrite tests/golden/ after an intended change (review the diff)
	$(BIN)/pytest -q tests/test_golden.py --update-goldens

vocabulary: $(STAMP)  ## regenerate the operator vocabulary of the rule-set schema and docs from the operator table
	$(PY) -m engine.conditions.vocabulary --write

FUZZ_EXAMPLES ?= 5000
FUZZ_MINUTES ?= 30

fuzz: $(STAMP)  ## property tests with a large budget (FUZZ_EXAMPLES per property, at most FUZZ_MINUTES)
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) timeout $(FUZZ_MINUTES)m \
		$(BIN)/pytest -q -s -p no:cacheprovider --durations=5 tests/test_properties.py

bench: $(STAMP)  ## measure the budgets of design §8 and the ratio against durable-rules
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(PY) bench/run.py

wheel-check: $(STAMP)  ## build a wheel, install it in a clean venv, run `spm-audit demo` elsewhere
	$(PY) bench/wheel_check.py

clean:  ## remove the virtual environment and build outputs
	rm -rf $(VENV) build dist $(OUT) *.egg-info .pytest_cache .mypy_cache .ruff_cache
