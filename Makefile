# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test ui install clean chromium bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Run the whole pipeline on the bundled corpus into data/warehouse.duckdb.
run: $(STAMP)
	$(BIN)/posture run --input corpus/sample --warehouse data/warehouse.duckdb

## Run the test suite.
test: $(STAMP) chromium
	$(BIN)/python -m pytest

## Best effort: the screenshot test needs headless Chromium (Debian's package). Installed only
## when missing and we are root with apt-get; otherwise that test skips itself.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the screenshot test (best effort)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
			>/dev/null 2>&1 || echo "chromium could not be installed: the screenshot test will be skipped"; \
	fi

## The Dagster UI on http://127.0.0.1:3000 (paths from .env).
ui: $(STAMP)
	mkdir -p .dagster && cp pipelines/dagster.yaml .dagster/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

## Benchmark (README, Performance): BENCH_SIZES=1000,10000 for a quick run. Corpora in BENCH_WORK.
BENCH_SIZES ?= 1000,10000,100000
BENCH_WORK ?= /tmp/posture-bench
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES) --work $(BENCH_WORK) --out bench/results/latest.json

clean:
	rm -rf $(VENV) data
