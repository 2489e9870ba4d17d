# Set-up is automatic: the first target that needs it creates .venv and installs the project.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

# A DuckDB 1.4 client beside the venv, to prove BI tools on 1.4 can open the published file.
DUCKDB_1_4 := $(VENV)/duckdb-1.4

.PHONY: demo build preflight statistics publish erase-at-source test lint lock data dagster docs dashboard dashboard-screenshots bench bench-plot bench-generator bench-feedback bench-statistics backtest screenshot chromium clean

# The exact versions come from requirements.lock (`make lock` writes it from pyproject.toml), installed with uv
# (from PyPI, several times faster than pip); pip installs the same lock where uv cannot be had. Where
# PYTHONDONTWRITEBYTECODE is set (many CI and container images) bytecode is compiled at install, or every process would
# compile dbt and Dagster from source — 3.5 s of each dbt invocation (9.2 s -> 5.7 s for a one-view `dbt build` on the
# L warehouse) and 3 s of each Dagster start. Elsewhere Python writes it on first import, for the modules a command
# uses, instead of compiling every installed package up front.
# A lock whose every pinned version is in uv's cache installs from it without asking PyPI (--offline; the pins are
# exact, so the result is the same): where the network defeats uv's HTTP cache, uv otherwise downloads and builds the
# sdists again on every install (kiwipiepy-model, 100 MB: 7-8 s; pyspark, 450 MB) and keeps each build in its cache.
UV_VERSION := 0.13.8
UV_INSTALL = $(BIN)/uv pip install --quiet $(if $(PYTHONDONTWRITEBYTECODE),--compile-bytecode) --python $(BIN)/python
uv_install_lock = { $(UV_INSTALL) --offline -r $(1) 2>/dev/null || $(UV_INSTALL) -r $(1); }
$(BIN)/.installed: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if $(BIN)/pip install --quiet uv==$(UV_VERSION); then \
		$(call uv_install_lock,requirements.lock) && \
		$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
		$(BIN)/pip install --quiet -r requirements.lock && $(BIN)/pip install --quiet --no-deps -e .; \
	fi
	touch $@

lock: $(BIN)/.installed  ## requirements.lock from pyproject.toml (the dependencies and the dev, dashboard and semantic extras), and requirements-spark.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --extra dashboard --extra semantic --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --extra dashboard --extra semantic --extra spark -c requirements.lock --python-version 3.11 -o requirements-spark.lock

# A Debian package where apt-get is at hand (the package lists refreshed only if the first attempt fails).
apt_install = { command -v apt-get >/dev/null && { apt-get install -y -qq $(1) >/dev/null || { apt-get update -qq && apt-get install -y -qq $(1) >/dev/null; }; }; }

# Spark (EW_ENGINE=spark, docs/spark.md): dbt-spark and pyspark from requirements-spark.lock (the main lock plus them),
# Java 17 from Debian's packages where no java is on the PATH. Only the tests and Spark builds need it, not the demo.
$(VENV)/.spark-installed: $(BIN)/.installed requirements-spark.lock
	@command -v java >/dev/null || $(call apt_install,openjdk-17-jre-headless) || \
		{ echo "error: install Java 17 (Debian: apt-get install openjdk-17-jre-headless) for Spark"; exit 2; }
	$(call uv_install_lock,requirements-spark.lock) || $(BIN)/pip install --quiet -r requirements-spark.lock
	touch $@

# What a target that builds needs installed: with EW_ENGINE=spark, the Spark extra and Java too.
ENGINE_INSTALLED := $(BIN)/.installed $(if $(filter spark,$(EW_ENGINE)),$(VENV)/.spark-installed)

demo: $(ENGINE_INSTALLED)  ## fresh demo data -> dbt build through Dagster -> published warehouse
	$(BIN)/python -m engagement_warehouse.commands.demo

build: $(ENGINE_INSTALLED)  ## your own files in EW_LANDING_DIR: preflight -> dbt build through Dagster -> published warehouse
	$(BIN)/python -m engagement_warehouse.commands.build

preflight: $(ENGINE_INSTALLED)  ## check EW_LANDING_DIR against the contract and make the views dbt reads (before a plain dbt build)
	$(BIN)/python -m engagement_warehouse.landing

statistics: $(ENGINE_INSTALLED)  ## the Python statistics for a plain dbt build (before dbt build --select source:statistics+; Spark too)
	$(BIN)/python -m engagement_warehouse.commands.statistics

publish: $(ENGINE_INSTALLED)  ## the copy BI tools read, from a plain dbt build (Spark too): consumer schemas only, at EW_PUBLISHED_PATH
	$(BIN)/python -m engagement_warehouse.commands.publish

erase-at-source: $(BIN)/.installed  ## rewrite the landing files without the rows of customers who asked to be erased (reports files and rows)
	$(BIN)/python -m engagement_warehouse.landing.erase

$(DUCKDB_1_4)/.installed: $(BIN)/.installed
	$(BIN)/pip install --quiet --no-deps --target $(DUCKDB_1_4) duckdb==1.4.4
	touch $@

# Headless Chromium for the UI test (Debian package; nothing to download at test time).
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || $(call apt_install,chromium) || \
		{ echo "error: install Chromium (Debian: apt-get install chromium) for the UI test"; exit 2; }

test: lint $(BIN)/.installed $(DUCKDB_1_4)/.installed $(VENV)/.spark-installed chromium  ## lint, then every test (pytest runs dbt builds on small generated data)
	$(BIN)/python -m pytest

# sqlfluff renders each model as a full build does (an empty warehouse, so no incremental branch), with the rules
# of .sqlfluff; ruff checks the Python with pyproject.toml's rules. Either fails on any finding.
LINT_DATA := data/lint
lint: $(BIN)/.installed  ## sqlfluff on the dbt models, tests and macros, ruff on the Python; fails on any finding
	rm -rf $(LINT_DATA) && mkdir -p $(LINT_DATA)/warehouse $(LINT_DATA)/duckdb_tmp
	EW_DATA_DIR=$(abspath $(LINT_DATA)) $(BIN)/sqlfluff lint models macros tests
	$(BIN)/ruff check .

data: $(BIN)/.installed  ## demo data only
	$(BIN)/python -m engagement_warehouse.generator --force

dagster: $(ENGINE_INSTALLED)  ## Dagster UI on http://127.0.0.1:3000, on the instance make build and make demo record their runs in
	DAGSTER_HOME=$$($(BIN)/python -m orchestration.instance) && export DAGSTER_HOME && $(BIN)/dagster dev -m orchestration.definitions

# The catalog (column types) comes from the warehouse `make demo` built; without one the docs still list every model.
DOCS_PORT ?= 8080
docs: $(BIN)/.installed  ## dbt docs (models, columns, lineage, metric glossary) on http://127.0.0.1:$(DOCS_PORT)
	$(BIN)/python -m engagement_warehouse.docs_site --serve --port $(DOCS_PORT)

dashboard: $(BIN)/.installed  ## the dashboard on the published warehouse, http://127.0.0.1:8501
	$(BIN)/streamlit run engagement_warehouse/dashboard/app.py --server.address 127.0.0.1 --server.port 8501 --browser.gatherUsageStats false

dashboard-screenshots: $(BIN)/.installed chromium  ## docs/dashboard/*.png: every dashboard page on the published demo warehouse
	$(BIN)/python -m engagement_warehouse.dashboard.browser_check docs/dashboard

# Generator scales: S is the demo (~1.3M raw events), L is 1M customers x 365 days (~130M raw events).
GENERATOR_S := --customers 10000 --days 90
GENERATOR_L := --customers 1000000 --days 365 --activity 0.5
SCALE ?= S

bench-generator: $(BIN)/.installed  ## time and peak memory of the generator at SCALE=S or L (prints both)
	$(BIN)/python -m engagement_warehouse.generator $(GENERATOR_$(SCALE)) --out data/bench/generator-$(SCALE) --force

bench: $(ENGINE_INSTALLED)  ## full build + daily incremental + floor at SCALE=S|M|L (EW_ENGINE=spark: on Spark); appends to docs/benchmarks.md
	$(BIN)/python -m engagement_warehouse.benchmarks.pipeline --scale $(SCALE)

bench-plot: $(BIN)/.installed  ## docs/benchmarks_scaling.png from every saved bench result
	$(BIN)/python -m engagement_warehouse.benchmarks.pipeline --plot

bench-feedback: $(BIN)/.installed  ## theme assignment time on 1M texts, then false alarms of the rise test over 10 seeds
	$(BIN)/python -m engagement_warehouse.benchmarks.feedback --texts 1000000 --seeds 1
	$(BIN)/python -m engagement_warehouse.benchmarks.feedback --texts 100000 --seeds 10

# The peer library the statistics are timed against, in a venv of its own (never in the project's).
PEER := .venv-peer
$(PEER)/.installed:
	$(PYTHON) -m venv $(PEER)
	$(PEER)/bin/pip install --quiet lifetimes==0.11.3
	touch $@

bench-statistics: $(BIN)/.installed $(PEER)/.installed  ## CLV fit + predict time at 10k, 100k and 1M customers, ours beside lifetimes
	$(BIN)/python -m engagement_warehouse.benchmarks.statistics --customers 10000 100000 1000000 --peer-python $(PEER)/bin/python

screenshot: $(BIN)/.installed chromium  ## docs/dagster_asset_lineage.png from the running UI
	$(BIN)/python -m engagement_warehouse.commands.screenshot docs/dagster_asset_lineage.png

backtest: $(BIN)/.installed  ## CDNOW holdout backtest -> docs/cdnow_backtest.md and .png
	$(BIN)/python -m engagement_warehouse.cdnow.backtest

clean:
	rm -rf data target logs
