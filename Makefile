# Every recipe runs the project's own venv (.venv) directly; `make install`
# creates it from the exact pins in requirements.txt.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NB     ?= notebooks/*.ipynb
PORT   ?= 8000
PERTURB ?= one-core

# The same variables for tests, re-execution, the lab and the build: TensorFlow
# must see them before it is imported (dlbook.setup() sets them too).
export TF_ENABLE_ONEDNN_OPTS := 0
export TF_CPP_MIN_LOG_LEVEL  := 3
# Fewer differences between x86-64 CPUs (see TF_ENVIRONMENT and BLAS_ENVIRONMENT
# in src/dlbook/runtime.py): cap oneDNN's GEMM and XLA at AVX2, and OpenBLAS at
# its Haswell kernels where the CPU has AVX2. What remains (cache sizes, thread
# counts) is absorbed by measured tolerances: tests/nbval_numeric.py.
export ONEDNN_MAX_CPU_ISA    := AVX2
export XLA_FLAGS             := --xla_cpu_max_isa=AVX2
ifeq ($(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo yes),yes)
export OPENBLAS_CORETYPE     := Haswell
endif
export PYTHONHASHSEED        := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
JB_FLAGS    := -W -n --keep-going

.PHONY: help install data book test test-fast test-notebooks test-perturbed portability lab serve refresh bench freeze clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; v == (3, 11) or print(f"warning: the pins are made for Python 3.11; this is {v[0]}.{v[1]}")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m dlbook fetch
	touch $(STAMP)

install: $(STAMP) ## Create .venv with the pinned packages and the dlbook helpers, and fetch data

data: ## Fetch what is not shipped (into DLBOOK_DATA or ~/.cache/dlbook); check every data file's sha256
	$(PY) -m dlbook fetch

book: install ## Build the site into _build/html (warnings are errors)
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)
	@echo "Open _build/html/index.html"

# The real-browser check of the built site (not part of `make test`, which needs
# no browser): Debian's Chromium, driven by playwright-core, with axe-core, both
# pinned in tools/site/package-lock.json and installed into tools/site/node_modules.
# CHROMIUM may name another Chromium-based browser (the GitHub workflow uses Chrome).
.PHONY: site-deps test-site
SITE_TOOLS := tools/site
CHROMIUM   ?= /usr/bin/chromium
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)

$(SITE_TOOLS)/node_modules/.installed: $(SITE_TOOLS)/package.json $(SITE_TOOLS)/package-lock.json
	cd $(SITE_TOOLS) && npm ci --no-audit --no-fund
	touch $@

site-deps: $(SITE_TOOLS)/node_modules/.installed ## Install what test-site needs: Chromium (apt, if CHROMIUM is missing), npm packages
	@test -x "$(CHROMIUM)" || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@"$(CHROMIUM)" --version

test-site: book site-deps ## Open the built site in headless Chromium, offline: navigation, maths, solutions, search, axe
	CHROMIUM="$(CHROMIUM)" node $(SITE_TOOLS)/check.mjs _build/html

test: install ## Run every test: helpers, hygiene, environment, book build, notebooks (nbval)
	$(PY) -m pytest tests notebooks $(NBVAL_FLAGS)

test-fast: install ## Unit, hygiene and environment tests only (no notebooks, no build)
	$(PY) -m pytest tests -m "not slow"

test-notebooks: install ## Only nbval over NB (default: all notebooks)
	$(PY) -m pytest $(NB) $(NBVAL_FLAGS)

test-perturbed: install ## nbval over NB as if on another machine (PERTURB=one-core; list: tools/perturb.py --list)
	$(PY) tools/perturb.py $(PERTURB) -- $(PY) -m pytest $(NB) $(NBVAL_FLAGS)

portability: install ## Run NB under every perturbation and report how far each cell's numbers move
	$(PY) tools/portability.py run --notebooks $(NB)
	$(PY) tools/portability.py report --notebooks $(NB)

lab: install ## Open the notebooks in JupyterLab with the venv's kernel
	$(VENV)/bin/jupyter lab notebooks

serve: ## Serve the built site on http://localhost:$(PORT)
	$(PY) -m http.server --directory _build/html $(PORT)

refresh: install ## Re-execute notebooks in place, top to bottom (NB=notebooks/x.ipynb for one)
	$(PY) tools/nbrun.py --inplace $(NB)

bench: install ## Time each notebook (seconds, peak memory) and the site build; update book/bench.md
	$(PY) tools/bench.py $(NB) --table book/bench.md

freeze: ## Rewrite requirements.txt from the packages installed in .venv
	$(PY) tools/freeze.py

clean: ## Remove the built site and caches (keeps .venv)
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
