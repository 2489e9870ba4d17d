import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

# Tests never read or write the developer's Dagster instance (where `make demo` records its runs and the first
# event day the daily partitions start on): set before orchestration is imported, which reads it.
os.environ["DAGSTER_HOME"] = tempfile.mkdtemp(prefix="ew-tests-dagster-home-")

import pytest  # noqa: E402
from dagster import materialize  # noqa: E402

from engagement_warehouse.generator.cli import generate  # noqa: E402
from engagement_warehouse.generator.landing import FIRST_NAMES, LAST_NAMES  # noqa: E402
from engagement_warehouse.settings import PROJECT_ROOT, dbt_command  # noqa: E402
from orchestration.definitions import defs  # noqa: E402
from orchestration.partitions import whole_landing_tags  # noqa: E402

# What personal data looks like in a value: what BI users read is scanned for it (test_privacy, test_spark).
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}"
IPV4 = r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"
FULL_NAMES = "|".join(f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES)


def personal_values(con, text_columns) -> list[tuple[str, str, str, int]]:
    """(schema, table, column, rows) of each text column of `text_columns` with values that look like an e-mail, an
    IPv4 address or a generated customer's full name."""
    leaks = []
    for schema, table, column in text_columns:
        hits = con.execute(f'select count(*) from {schema}.{table} where regexp_matches("{column}", ?) '
                           f'or regexp_matches("{column}", ?) or regexp_matches("{column}", ?)',
                           [EMAIL, IPV4, FULL_NAMES]).fetchone()[0]
        if hits:
            leaks.append((schema, table, column, hits))
    return leaks

# Plain dbt builds everything up to the Python statistics; the marts after them need the statistics (Dagster, or
# `make statistics` between two dbt builds: run_statistics).
BUILD_UP_TO_STATISTICS = ("build", "--exclude", "source:statistics+")


def spark_table_rows(spark_dir: Path, schema: str, table: str) -> str:
    """SQL reading a table of a Spark build under `spark_dir` (parquet files under its warehouse folder, a folder per
    value of the column an incremental model's table is partitioned on; the statistics are the parquet folders
    `make statistics` wrote and registered)."""
    folder = spark_dir / "statistics" / table if schema == "statistics" else spark_dir / "warehouse" / f"{schema}.db" / table
    return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"


def generate_small(out: Path, seed: int = 7, **kwargs) -> dict:
    return generate(out, customers=kwargs.pop("customers", 400), days=kwargs.pop("days", 21), seed=seed,
                    start_date=date(2026, 6, 1), progress=lambda _m: None, **kwargs)


def warehouse_env(tmp: Path, landing: Path) -> dict[str, str]:
    return {**os.environ, "EW_LANDING_DIR": str(landing), "EW_WAREHOUSE_PATH": str(tmp / "warehouse" / "engagement.duckdb"),
            "EW_PUBLISHED_PATH": str(tmp / "published" / "engagement.duckdb"), "EW_EXPORT_DIR": str(tmp / "exports"),
            "EW_DUCKDB_TEMP_DIR": str(tmp / "duckdb_tmp"), "DAGSTER_HOME": str(tmp / "dagster_home"),
            "EW_DUCKDB_THREADS": "2", "EW_DUCKDB_MEMORY_LIMIT": "2GB"}


def run_preflight(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`make preflight` (python -m engagement_warehouse.landing): the landing views a plain dbt build reads."""
    return subprocess.run([sys.executable, "-m", "engagement_warehouse.landing"], env=env, capture_output=True, text=True,
                          cwd=PROJECT_ROOT)


def run_statistics(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`make statistics`: the Python statistics for a warehouse plain dbt built (on Spark too, with EW_ENGINE=spark)."""
    return subprocess.run([sys.executable, "-m", "engagement_warehouse.commands.statistics"], env=env, capture_output=True,
                          text=True, cwd=PROJECT_ROOT)


def run_dbt(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The preflight, then dbt, as a user runs plain dbt on their landing folder."""
    preflight = run_preflight(env)
    if preflight.returncode != 0:
        return preflight
    return subprocess.run(dbt_command(*args, target_path=Path(env["EW_DUCKDB_TEMP_DIR"]).parent / "target"),
                          env=env, capture_output=True, text=True, cwd=PROJECT_ROOT)


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("landing")
    truth = generate_small(out, fault_rate=0.03)
    return out, truth


@pytest.fixture(scope="session")
def built_warehouse(small_landing, tmp_path_factory) -> tuple[dict[str, str], dict]:
    landing, truth = small_landing
    env = warehouse_env(tmp_path_factory.mktemp("wh"), landing)
    result = run_dbt(env, *BUILD_UP_TO_STATISTICS)
    assert result.returncode == 0, result.stdout[-5000:]
    return env, truth


# A dbt step's target directory of an earlier run, last written eight days ago: the graph's run removes it.
STALE_STEP_TARGET = "warehouse_dbt_models-0000000-0000000"


@pytest.fixture(scope="session")
def materialised_graph(tmp_path_factory) -> Path:
    """The whole asset graph on 60 days of 600 customers, 2% of whom ask to be erased; returns its folder
    (with the run's id in run_id)."""
    root = tmp_path_factory.mktemp("graph")
    generate_small(root / "landing", customers=600, days=60, erasure_rate=0.02)
    stale = PROJECT_ROOT / "target" / STALE_STEP_TARGET
    stale.mkdir(parents=True, exist_ok=True)
    eight_days_ago = stale.stat().st_mtime - 8 * 86400
    os.utime(stale, (eight_days_ago, eight_days_ago))
    with pytest.MonkeyPatch.context() as env:
        for name, value in warehouse_env(root, root / "landing").items():
            if name.startswith("EW_"):
                env.setenv(name, value)
        result = materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags())
    assert result.success
    (root / "run_id").write_text(result.run_id)
    return root


@pytest.fixture(scope="session")
def semantic_manifest(materialised_graph) -> Path:
    """<project>/target/semantic_manifest.json parsed for the materialised graph's warehouse: what `mf` and the
    dashboard compile metrics from (it names relations by the warehouse file's name, engagement.duckdb here as
    in the product), parsed exactly as the README says."""
    env = {**warehouse_env(materialised_graph, materialised_graph / "landing"), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}
    parsed = subprocess.run(dbt_command("parse"), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    return PROJECT_ROOT / "target" / "semantic_manifest.json"
