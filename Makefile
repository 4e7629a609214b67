# Two commands set everything up on a fresh machine (Python 3.11+ and make):
#   make build   virtual env + pinned main dependencies, demo raw data if none, dbt build, quality
#                checkpoint, Parquet exports of the marts
#   make test    the dev extra (pytest, sqlfluff...), lint, Python tests, dbt build with all tests on
#                a small generated data set, quality checkpoint and coverage report on it
# Everything else here is a step of one of those, or a convenience.
# The same project on Apache Spark (the spark extra: dbt-spark, a local Spark inside the dbt process,
# Java 17):
#   make build-spark  dbt build on the spark target from $(RAW_DATA_DIR)
#   make test-spark   a small generated data set built with every test on Spark and on DuckDB, and
#                     every mart of the two compared

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# The raw files. Named by the user (RAW_DATA_DIR=... on the command line or in the environment):
# that folder is only ever read, and a folder without the contract's files stops the build (the
# dbt hook register_raw_files names what it looked for). Not named: the project's demo folder,
# where demo data is generated when it holds no raw file. Each table's format (Parquet or CSV)
# is found from its file; RAW_DATA_FORMAT=parquet or csv forces one.
# The demo folder is defined once, as the var raw_data_dir_default of dbt_project.yml (dbt's macro
# raw_data_dir, the CLI and spark-build read it there too).
DEMO_RAW_DIR := $(shell sed -n 's/^  raw_data_dir_default: *//p' dbt_project.yml)
$(if $(DEMO_RAW_DIR),,$(error dbt_project.yml defines no var raw_data_dir_default (the demo raw folder)))
RAW_DATA_DIR_NAMED := $(if $(filter undefined,$(origin RAW_DATA_DIR)),,yes)
RAW_DATA_DIR ?= $(DEMO_RAW_DIR)
RAW_DATA_FORMAT ?=
DUCKDB_PATH ?= data/warehouse.duckdb
SCALE ?= 0.02
SEED ?= 42
BAD_ROW_SHARE ?= 0.005
# dbt vars of make build's and make docs' dbt commands, e.g. DBT_VARS='{orders_source: shopify,
# events_source: ga4}' to read vendors' exports through the source adapters (docs/adapters/);
# empty: the vars of dbt_project.yml.
DBT_VARS ?=
DBT_VARS_ARG := $(if $(DBT_VARS),--vars '$(DBT_VARS)')

# The small data set of `make test`, kept apart from the user's warehouse.
TEST_DIR := target/test
TEST_SCALE ?= 0.01
# make pytest runs the test files on this many processes (pytest-xdist, a file's tests on one
# process, so a file's fixtures are built once). A test's dbt build keeps about one core busy
# (Python compiles while DuckDB computes), so two processes use a 2-core machine; 1 runs them in
# one process. Each process builds the session fixtures (the shared warehouse) once.
PYTEST_WORKERS ?= 2

# Spark: its warehouse (Parquet tables and the Derby metastore) for make build-spark, and the data
# set of make test-spark, smaller than make test's: Spark runs each of the ~540 nodes as jobs on
# two cores, so its build takes minutes where DuckDB's takes seconds.
SPARK_WAREHOUSE_DIR ?= data/spark_warehouse
SPARK_TEST_DIR := target/test_spark
SPARK_TEST_SCALE ?= 0.005

# Great Expectations Data Docs of the quality checkpoint, beside dbt's docs in target/, and the
# pinned npm packages of the stylesheets and scripts they ship so that they open offline.
QUALITY_DOCS_DIR ?= target/quality_docs
QUALITY_ASSETS := engagement_warehouse/quality/docs_assets
QUALITY_ASSETS_STAMP := $(QUALITY_ASSETS)/node_modules/.installed
# Parquet copies of the marts for BI tools and notebooks (they never open the DuckDB file).
EXPORT_DIR ?= data/exports
# The HTML report for business readers, and the port of `make docs-serve`.
REPORT_DIR ?= target/report
DOCS_PORT ?= 8080
# make bench: scales 0.1 and 1, plus SCALE when given on the command line (make bench SCALE=3);
# every figure is the median of BENCH_RUNS runs.
BENCH_SCALES ?= 0.1 1 $(if $(filter command line,$(origin SCALE)),$(SCALE))
BENCH_RUNS ?= 3
BENCH_DIR ?= target/bench
# BENCH_FLAGS=--attempt: a scale that fails is reported (where, time, memory, spill), not fatal
# (make bench SCALE=10 BENCH_RUNS=1 BENCH_FLAGS=--attempt).
BENCH_FLAGS ?=
# BENCH_VARS: dbt vars (YAML) of every build of the benchmark, e.g. BENCH_VARS='{fit_refit_every_days: 7}'.
BENCH_VARS ?=

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
# dbt through engagement-warehouse: a lock conflict on the DuckDB file (another build, a notebook
# holding it) or DuckDB out of memory comes out as one line saying what to do, not tracebacks.
DBT := $(BIN)/engagement-warehouse dbt --
# What each target needs is installed once, each set with its own stamp file: the main dependencies
# (the DuckDB engine, GX, the fits, the report: all make build needs), the spark extra (dbt-spark,
# pyspark: make build-spark, make test-spark) and the dev extra (pytest, sqlfluff, selenium, polars:
# make test, lint, pytest, bench). requirements.lock pins every package of all three.
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
DEV_STAMP := $(VENV)/.installed-dev
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c requirements.lock

# Test data: the CDNOW sample ships inside the lifetimes wheel on PyPI. The CLV tests read its
# data files (never its code) to check the fitters against the published estimates.
LIFETIMES_WHEEL := $(VENV)/test-data/Lifetimes-0.11.3-py3-none-any.whl
LIFETIMES_SHA256 := 261e3dc89977c2b60767ca6728aaa29d429de0c814635070a749c36555895da8

.PHONY: build install install-spark install-dev data dbt-build compact erasure-check quality alerts quality-assets node export docs docs-serve report bench bi-clients superset-env dashboards dashboards-serve browser test \
	lint pytest dbt-test test-data build-spark test-spark java clean help

help:
	@echo "make build   install, generate demo data if $(RAW_DATA_DIR) has none, dbt build into $(DUCKDB_PATH),"
	@echo "             quality checkpoint (Data Docs in $(QUALITY_DOCS_DIR)), today's alerts, Parquet exports in $(EXPORT_DIR)"
	@echo "make test    sqlfluff lint, pytest, dbt build with all tests on a generated test data set"
	@echo "make build-spark  dbt build on Spark (target spark) from $(RAW_DATA_DIR) into $(SPARK_WAREHOUSE_DIR)"
	@echo "make test-spark   build with all tests on Spark and on DuckDB from one small data set, marts compared"
	@echo "after make build:"
	@echo "make docs        dbt docs: the site in target/ and the single file target/static_index.html"
	@echo "make docs-serve  serve the docs site on http://localhost:$(DOCS_PORT)"
	@echo "make report      the HTML report for business readers: $(REPORT_DIR)/index.html"
	@echo "make dashboards  the BI starter: Superset set up on $(DUCKDB_PATH) (make dashboards-serve: http://localhost:$(SUPERSET_PORT))"
	@echo "make bench       benchmark at scales $(BENCH_SCALES): $(BENCH_DIR)/results.json and results.md"

build: install data dbt-build compact quality alerts export erasure-check

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.1"
	$(PIP_INSTALL) -e .
	touch $@

# An extra after the main dependencies (again when they are reinstalled).
$(SPARK_STAMP): $(STAMP)
	$(PIP_INSTALL) -e ".[spark]"
	touch $@

$(DEV_STAMP): $(STAMP)
	$(PIP_INSTALL) -e ".[dev]"
	touch $@

install: $(STAMP)
install-spark: $(SPARK_STAMP)
install-dev: $(DEV_STAMP)

data: install
ifeq ($(RAW_DATA_DIR_NAMED),yes)
	@echo "Reading the raw files in RAW_DATA_DIR=$(RAW_DATA_DIR) (never written; no demo data is generated there)"
else
	@if ls $(DEMO_RAW_DIR)/*.parquet $(DEMO_RAW_DIR)/*.csv >/dev/null 2>&1; then \
		echo "Using the raw files in the demo folder $(DEMO_RAW_DIR) (name your own folder with RAW_DATA_DIR=...)"; \
	else \
		$(BIN)/engagement-warehouse generate --out $(DEMO_RAW_DIR) --scale $(SCALE) --seed $(SEED) \
			--bad-row-share $(BAD_ROW_SHARE); \
	fi
endif

dbt-build: install
	@mkdir -p $(dir $(DUCKDB_PATH))
	RAW_DATA_DIR=$(RAW_DATA_DIR) RAW_DATA_FORMAT=$(RAW_DATA_FORMAT) DUCKDB_PATH=$(DUCKDB_PATH) \
		$(DBT) build $(DBT_VARS_ARG)
	@# warns (does not fail) when a raw table's newest row is older than its threshold
	RAW_DATA_DIR=$(RAW_DATA_DIR) RAW_DATA_FORMAT=$(RAW_DATA_FORMAT) DUCKDB_PATH=$(DUCKDB_PATH) \
		$(DBT) source freshness $(DBT_VARS_ARG)

# DuckDB keeps the bytes of replaced and deleted tables in the file until the space is reused, so a
# person erased today could still be read from it: the warehouse is rewritten into a fresh file
# with only live data after every build.
compact: install
	$(BIN)/engagement-warehouse compact --database $(DUCKDB_PATH)

# The erased customers' e-mail, phone and name in the warehouse file's bytes, the exports and the
# artefacts (dbt's test erased_customers_have_no_personal_data_anywhere checks every table).
# dbt's folders: target/ and logs/ unless DBT_TARGET_PATH / DBT_LOG_PATH say otherwise.
DBT_TARGET_DIR = $(or $(DBT_TARGET_PATH),target)
DBT_LOG_DIR = $(or $(DBT_LOG_PATH),logs)
ERASURE_ARTEFACTS = $(DBT_LOG_DIR) $(DBT_TARGET_DIR)/compiled $(DBT_TARGET_DIR)/run \
	$(wildcard $(DBT_TARGET_DIR)/*.json $(DBT_TARGET_DIR)/*.html) $(QUALITY_DOCS_DIR) $(REPORT_DIR)
erasure-check: install
	$(BIN)/engagement-warehouse erasure-check --database $(DUCKDB_PATH) --exports $(EXPORT_DIR) \
		$(foreach place,$(ERASURE_ARTEFACTS),--artefacts $(place))

# Great Expectations checkpoint on the built warehouse, opened read-only: a suite per mart, Data
# Docs in $(QUALITY_DOCS_DIR); fails when an expectation of error severity fails.
quality: install quality-assets
	$(BIN)/engagement-warehouse quality --database $(DUCKDB_PATH) --docs-dir $(QUALITY_DOCS_DIR)

# Today's alerts (view audit.audit_anomalies over the run history that every dbt build and quality
# run append to): printed, never failing the build (engagement-warehouse alerts --fail-on-alert
# does, for a scheduler).
alerts: install
	$(BIN)/engagement-warehouse alerts --database $(DUCKDB_PATH)

# Bootstrap, jQuery, Font Awesome, Vega... at the versions GX 1.24.1's Data Docs load from CDNs
# (docs_assets/package.json and its lock file), copied into the docs by the checkpoint.
quality-assets: $(QUALITY_ASSETS_STAMP)

$(QUALITY_ASSETS_STAMP): $(QUALITY_ASSETS)/package.json $(QUALITY_ASSETS)/package-lock.json | node
	cd $(QUALITY_ASSETS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Node.js and npm for quality-assets: Debian's, when none is installed.
node:
	@if command -v npm >/dev/null; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; \
	fi

# Every mart to $(EXPORT_DIR)/<mart>.parquet, each written to a temporary name and renamed, so a
# reader sees the previous or the new complete file, never a partial one; the temporary files of
# an export that was killed are removed first.
export: install
	$(BIN)/engagement-warehouse export --database $(DUCKDB_PATH) --out $(EXPORT_DIR)

# dbt's documentation site from the built warehouse (its catalog reads the DuckDB file): the site
# in target/ (index.html, manifest.json, catalog.json) and target/static_index.html, one file that
# opens without a server.
docs: install
	RAW_DATA_DIR=$(RAW_DATA_DIR) RAW_DATA_FORMAT=$(RAW_DATA_FORMAT) DUCKDB_PATH=$(DUCKDB_PATH) \
		$(DBT) docs generate --static $(DBT_VARS_ARG)

docs-serve: docs
	$(DBT) docs serve --port $(DOCS_PORT) --no-browser

# Self-contained HTML report (charts and their data inside one file) from the built warehouse,
# opened read-only.
report: install
	$(BIN)/engagement-warehouse report --database $(DUCKDB_PATH) --out $(REPORT_DIR)/index.html

# Generator, full and incremental dbt builds, the read-everything floor, the analyst baselines
# (pandas, polars) and peak memory, each a median of BENCH_RUNS runs, on generated data of its
# own under $(BENCH_DIR) (the user's warehouse is not touched).
bench: install-dev
	$(BIN)/engagement-warehouse bench --scales $(BENCH_SCALES) --runs $(BENCH_RUNS) --out $(BENCH_DIR) $(BENCH_FLAGS) \
		$(if $(BENCH_VARS),--vars '$(BENCH_VARS)')

# duckdb 1.x with ibis and SQLAlchemy + duckdb_engine, as BI tools and notebooks open the warehouse,
# in an environment of its own (the project's duckdb is 2.x): engagement-warehouse bi-clients reads
# every mart with it (make dbt-test, python_tests/test_bi_clients.py).
BI_CLIENTS_VENV := target/bi_clients
BI_CLIENTS_STAMP := $(BI_CLIENTS_VENV)/.installed

$(BI_CLIENTS_STAMP): requirements-bi-clients.lock
	$(PYTHON) -m venv $(BI_CLIENTS_VENV)
	$(BI_CLIENTS_VENV)/bin/python -m pip install --quiet --no-deps -r requirements-bi-clients.lock
	touch $@

bi-clients: $(BI_CLIENTS_STAMP)

# The BI starter: Apache Superset in an environment of its own (it pins SQLAlchemy 1.4, pandas 2.1,
# numpy 1.26: not the project's), every package pinned in requirements-superset.lock. Not part of
# make build. make dashboards sets it up on $(DUCKDB_PATH) (read-only) in $(SUPERSET_HOME): the
# metadata database, an admin user (password in $(SUPERSET_HOME)/admin_password), the dashboard of
# dashboards/superset/bundle; make dashboards-serve serves it on $(SUPERSET_PORT).
SUPERSET_VENV := target/superset_env
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed
SUPERSET_HOME ?= target/superset
SUPERSET_PORT ?= 8088

$(SUPERSET_STAMP): requirements-superset.lock
	$(PYTHON) -m venv $(SUPERSET_VENV)
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --upgrade "pip>=23.1"
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --no-deps -r requirements-superset.lock
	touch $@

superset-env: $(SUPERSET_STAMP)

dashboards: install $(SUPERSET_STAMP)
	$(BIN)/engagement-warehouse dashboards setup --database $(DUCKDB_PATH) --home $(SUPERSET_HOME) \
		--superset $(SUPERSET_VENV)/bin/superset

dashboards-serve: dashboards
	$(BIN)/engagement-warehouse dashboards serve --home $(SUPERSET_HOME) --port $(SUPERSET_PORT) \
		--superset $(SUPERSET_VENV)/bin/superset

# Debian's Chromium and its WebDriver for the tests that render the docs and the report.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

test: lint pytest dbt-test

lint: install-dev
	@mkdir -p $(TEST_DIR)
	DUCKDB_PATH=$(TEST_DIR)/lint.duckdb $(BIN)/sqlfluff lint models tests analyses

pytest: install-dev test-data browser quality-assets bi-clients superset-env
	LIFETIMES_WHEEL=$(LIFETIMES_WHEEL) BI_CLIENTS_PYTHON=$(BI_CLIENTS_VENV)/bin/python \
		SUPERSET=$(SUPERSET_VENV)/bin/superset $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

test-data: $(LIFETIMES_WHEEL)

$(LIFETIMES_WHEEL): $(STAMP)
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: lifetimes==0.11.3 -d $(dir $@)
	$(BIN)/python -c "import hashlib, sys; digest = hashlib.sha256(open('$@', 'rb').read()).hexdigest(); \
		sys.exit(0 if digest == '$(LIFETIMES_SHA256)' else 'checksum mismatch for $@: ' + digest)"

dbt-test: install quality-assets bi-clients
	rm -rf $(TEST_DIR)/raw $(TEST_DIR)/warehouse.duckdb
	$(BIN)/engagement-warehouse generate --out $(TEST_DIR)/raw --scale $(TEST_SCALE) --seed $(SEED) \
		--bad-row-share $(BAD_ROW_SHARE)
	RAW_DATA_DIR=$(TEST_DIR)/raw RAW_DATA_FORMAT=parquet DUCKDB_PATH=$(TEST_DIR)/warehouse.duckdb \
		$(DBT) build
	$(BIN)/engagement-warehouse quality --database $(TEST_DIR)/warehouse.duckdb --docs-dir $(TEST_DIR)/quality_docs
	$(BIN)/engagement-warehouse coverage --manifest target/manifest.json --database $(TEST_DIR)/warehouse.duckdb
	$(BIN)/engagement-warehouse bi-clients --database $(TEST_DIR)/warehouse.duckdb --python $(BI_CLIENTS_VENV)/bin/python

# Spark needs a Java runtime (17): Debian's, when none is installed.
java:
	@if command -v java >/dev/null; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless; \
	fi

# dbt build on the spark target: everything but the Python models' fits, the fits as a Spark job
# with the same code, then the models that read them (engagement-warehouse spark-build). Paths are
# made absolute: Spark resolves a relative one against its own folders. Its dbt artefacts go to
# target/spark, beside DuckDB's in target/.
build-spark: install-spark java data
	@mkdir -p $(SPARK_WAREHOUSE_DIR)
	DBT_TARGET=spark RAW_DATA_DIR=$(abspath $(RAW_DATA_DIR)) RAW_DATA_FORMAT=$(RAW_DATA_FORMAT) \
		SPARK_WAREHOUSE_DIR=$(abspath $(SPARK_WAREHOUSE_DIR)) \
		$(BIN)/engagement-warehouse spark-build -- --target-path target/spark --log-path logs/spark

# One generated data set (SPARK_TEST_SCALE), built with every test on Spark and on DuckDB, then
# every mart compared: rows, keys, money to the cent, doubles within a stated tolerance. Then the
# daily run: the next day appended, an incremental build on both engines of everything but the
# fits and what reads them (spark-build --without-fits; those keep the full build's rows on both
# engines), and the marts compared again. The daily run builds models only: the comparison is its
# check, and the tests already ran on the full builds.
DAILY_RUN_EXCLUDE := --exclude-resource-type test --exclude-resource-type unit_test
test-spark: install-spark java
	rm -rf $(SPARK_TEST_DIR)
	$(BIN)/engagement-warehouse generate --out $(SPARK_TEST_DIR)/raw --scale $(SPARK_TEST_SCALE) --seed $(SEED) \
		--bad-row-share $(BAD_ROW_SHARE)
	DBT_TARGET=spark RAW_DATA_DIR=$(abspath $(SPARK_TEST_DIR))/raw RAW_DATA_FORMAT=parquet \
		SPARK_WAREHOUSE_DIR=$(abspath $(SPARK_TEST_DIR))/spark_warehouse \
		$(BIN)/engagement-warehouse spark-build -- --target-path $(SPARK_TEST_DIR)/dbt_spark \
		--log-path $(SPARK_TEST_DIR)/logs_spark
	DBT_TARGET=prod RAW_DATA_DIR=$(SPARK_TEST_DIR)/raw RAW_DATA_FORMAT=parquet \
		DUCKDB_PATH=$(SPARK_TEST_DIR)/warehouse.duckdb DUCKDB_TEMP_DIR=$(SPARK_TEST_DIR)/duckdb_tmp \
		$(DBT) build --target-path $(SPARK_TEST_DIR)/dbt_duckdb --log-path $(SPARK_TEST_DIR)/logs_duckdb
	SPARK_WAREHOUSE_DIR=$(abspath $(SPARK_TEST_DIR))/spark_warehouse \
		$(BIN)/engagement-warehouse compare-engines --duckdb $(SPARK_TEST_DIR)/warehouse.duckdb \
		--manifest $(SPARK_TEST_DIR)/dbt_spark/manifest.json
	@echo "The daily run on both engines: the next day appended, an incremental build of all but the fits"
	$(BIN)/engagement-warehouse append-day --out $(SPARK_TEST_DIR)/raw
	DBT_TARGET=spark RAW_DATA_DIR=$(abspath $(SPARK_TEST_DIR))/raw RAW_DATA_FORMAT=parquet \
		SPARK_WAREHOUSE_DIR=$(abspath $(SPARK_TEST_DIR))/spark_warehouse \
		$(BIN)/engagement-warehouse spark-build --without-fits -- --target-path $(SPARK_TEST_DIR)/dbt_spark \
		--log-path $(SPARK_TEST_DIR)/logs_spark $(DAILY_RUN_EXCLUDE)
	DBT_TARGET=prod RAW_DATA_DIR=$(SPARK_TEST_DIR)/raw RAW_DATA_FORMAT=parquet \
		DUCKDB_PATH=$(SPARK_TEST_DIR)/warehouse.duckdb DUCKDB_TEMP_DIR=$(SPARK_TEST_DIR)/duckdb_tmp \
		$(DBT) build --exclude path:models/intermediate/fits+ --target-path $(SPARK_TEST_DIR)/dbt_duckdb \
		--log-path $(SPARK_TEST_DIR)/logs_duckdb $(DAILY_RUN_EXCLUDE)
	SPARK_WAREHOUSE_DIR=$(abspath $(SPARK_TEST_DIR))/spark_warehouse \
		$(BIN)/engagement-warehouse compare-engines --duckdb $(SPARK_TEST_DIR)/warehouse.duckdb \
		--manifest $(SPARK_TEST_DIR)/dbt_spark/manifest.json

clean:
	rm -rf target logs $(DUCKDB_PATH) $(SPARK_WAREHOUSE_DIR)
