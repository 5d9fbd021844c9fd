# neos developer commands. `make test` is the one test command (README, CI, GitHub Actions).
SHELL := /bin/bash
PY ?= python
NB_WORKERS ?= 1

.PHONY: help install test test-slow check-export check-clean check-readme nbtest pytest readme export clean-nbs prepare bench demos-full

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install:  ## editable install with the test extras
	$(PY) -m pip install -e ".[dev]"

export:  ## write neos/ from nbs/
	nbdev-export

clean-nbs:  ## strip notebook metadata/outputs noise
	nbdev-clean

readme:  ## regenerate README.md from nbs/index.ipynb (no Quarto needed)
	$(PY) tools/readme.py

prepare: export clean-nbs readme  ## everything to do before committing

test: check-export check-clean check-readme nbtest pytest  ## the full default test run
	@echo "make test: all checks passed"

check-export:  ## neos/ must equal a fresh nbdev-export of nbs/
	$(PY) tools/checks.py export

check-clean:  ## notebooks must be nbdev-clean
	$(PY) tools/checks.py clean

check-readme:  ## README.md must match nbs/index.ipynb
	$(PY) tools/checks.py readme

nbtest:  ## run every notebook's tests (nbdev-test), slow cells skipped
	$(PY) tools/run_nbtests.py --n-workers $(NB_WORKERS)

test-slow:  ## run every notebook including cells flagged `#| slow`
	$(PY) tools/run_nbtests.py --n-workers $(NB_WORKERS) --flags slow

pytest:  ## cross-checks kept as a pytest suite (tests/)
	$(PY) -m pytest -q tests

demos-full:  ## run the demo notebooks at full length (NEOS_DEMO_FULL=1), slow cells included
	NEOS_DEMO_FULL=1 $(PY) tools/run_nbtests.py --only demo_ --flags slow

bench:  ## speed benchmarks: neos vs references, ratios measured side by side (bench_train: the table of issue 15, JSON in benchmarks/results/; BENCH_ARGS=--quick)
	$(PY) benchmarks/bench_hypotest.py
	$(PY) benchmarks/bench_small_floor.py --iterations 3
	$(PY) benchmarks/bench_seed_step.py
	$(PY) benchmarks/bench_train.py $(BENCH_ARGS)
	$(PY) benchmarks/bench_likelihoods.py --quick
	$(PY) benchmarks/bench_globalisation.py
	$(PY) benchmarks/bench_analysis_events.py
	$(PY) benchmarks/bench_diagnostics.py --pyhf-toys 300
	$(PY) benchmarks/bench_memory.py --models 30

# docs site (tools/docs/, mkdocs.yml; CONTRIBUTING.md "Docs: why this route"). Needs `pip install -e ".[dev,docs]"`;
# docs-check also needs Debian's chromium (apt-get update && apt-get install -y chromium).
DOCS_PORT ?= 8000
.PHONY: docs docs-serve docs-check

docs:  ## build the docs site into _docs/ from nbs/ (offline, no Quarto); DOCS_EXECUTE=none: stored outputs only
	$(PY) tools/docs/build.py

docs-serve: docs  ## build, then preview the site at http://127.0.0.1:$(DOCS_PORT)/
	$(PY) -m http.server --bind 127.0.0.1 --directory _docs $(DOCS_PORT)

docs-check:  ## build the site, check it in headless chromium; screenshots in _docs_check/
	$(PY) tools/docs/check_site.py
