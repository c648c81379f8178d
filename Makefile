# How each output of this repository is made. `make` alone lists the targets.
#
# Set up once, as the README says:  pip install -r requirements.txt
# Every target runs in the active Python environment (PYTHON=... to choose another).

PYTHON ?= python
# the helper package imports from this checkout even where it is not installed (`pip install -e .`)
export PYTHONPATH := $(CURDIR)/notebooks$(if $(PYTHONPATH),:$(PYTHONPATH))
# where the environment's command-line tools are (ruff, check-jsonschema, zizmor, pre-commit)
BIN = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("scripts"))')

# the analysis notebooks in their order; the ledger (00) reads what they write, so it runs last
ANALYSES := $(sort $(wildcard notebooks/0[1-9]_*.ipynb))
LEDGER := notebooks/00_claims_ledger.ipynb
EXECUTE := jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False

.DEFAULT_GOAL := help
.PHONY: help test notebooks readme lint refresh bench mutants browser

help: ## list the targets
	@echo "make TARGET, where TARGET is one of:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  \1\t/' | expand -t 14

test: ## the README's test command: every notebook under nbval, and tests/, in parallel
	$(PYTHON) -m pytest

notebooks: ## re-execute notebooks 01-07 in order, then the ledger (00), then regenerate the README
	CLAIMCHECK_REGENERATE=1 $(PYTHON) -m $(EXECUTE) $(ANALYSES)
	CLAIMCHECK_REGENERATE=1 $(PYTHON) -m $(EXECUTE) $(LEDGER)
	$(PYTHON) -m claimcheck.ledger

readme: ## regenerate the README's generated blocks (findings, tally, legend, corrections) from data/
	$(PYTHON) -m claimcheck.ledger

lint: ## ruff (lint, format), the workflow and issue form (schema, zizmor), CITATION.cff
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@status=0; \
	run() { echo "== $$*"; "$$@" || status=1; }; \
	run "$(BIN)/ruff" check --output-format concise . ; \
	run "$(BIN)/ruff" format --check --output-format concise . ; \
	run "$(BIN)/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml ; \
	run "$(BIN)/check-jsonschema" --builtin-schema vendor.github-issue-forms \
	    .github/ISSUE_TEMPLATE/wrong-number.yml ; \
	run "$(BIN)/check-jsonschema" --builtin-schema vendor.github-issue-config \
	    .github/ISSUE_TEMPLATE/config.yml ; \
	run "$(BIN)/zizmor" --offline .github/workflows ; \
	run "$(BIN)/pre-commit" validate-config .pre-commit-config.yaml ; \
	run $(PYTHON) tests/check_citation.py ; \
	if [ $$status -ne 0 ]; then echo "lint: FAILED (see above)" >&2; else echo "lint: all passed"; fi; \
	exit $$status

refresh: ## download the market data afresh (needs a network; ARGS=--history for Nvidia's long history)
	$(PYTHON) -m claimcheck.refresh $(ARGS)

bench: ## time the suite against its floor (tests/benchmark.py)
	$(PYTHON) tests/benchmark.py

mutants: ## re-run the hand-made mutants: each must be killed by the tests (tests/mutants.py)
	$(PYTHON) tests/mutants.py

browser: ## the real-browser test (JupyterLab and a sanitised nbconvert view, headless Chromium)
	$(PYTHON) -m pytest tests/browser
