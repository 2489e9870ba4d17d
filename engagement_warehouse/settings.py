"""Where the warehouse lives and how DuckDB is tuned, read from environment variables.

Every path is absolute and derived from the project root unless an ``EW_*`` variable
overrides it, so dbt, Dagster and the CLI agree whatever the current directory is.
Nothing here is read at import time: call :meth:`WarehouseSettings.from_env`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The dbt installed beside this interpreter, so a venv works without being activated.
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
ENGINES = ("duckdb", "spark")  # what EW_ENGINE may name: DuckDB (the default) or Spark through dbt-spark


def dbt_command(*args: str, target_path: Path | None = None) -> list[str]:
    """A dbt invocation on this project with its profiles.yml, whatever the current directory."""
    target = ["--target-path", str(target_path)] if target_path is not None else []
    return [str(DBT_EXECUTABLE), *args, "--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT), *target]

RAW_TABLES = (
    "events",
    "customers",
    "subscriptions",
    "orders",
    "survey_responses",
    "reviews",
    "marketing_spend",
    "messages",
)
# Requests to erase a customer (one row per request); read by dbt like the raw tables, not faulted.
PRIVACY_TABLES = ("erasure_requests",)
LANDING_TABLES = RAW_TABLES + PRIVACY_TABLES
# The activation audiences (dbt models in models/marts/activation): exported for messaging tools, shown on the dashboard.
AUDIENCES = ("audience_trial_without_key_action", "audience_high_value_at_risk", "audience_promoters_to_ask",
             "audience_detractors_follow_up", "audience_dormant_paying", "audience_feedback_fixed")


class SettingsError(ValueError):
    """A configuration value is unusable; the message says which variable and how to fix it."""


def _iso_date(env: Mapping[str, str], name: str, meaning: str) -> str | None:
    """The variable's YYYY-MM-DD value, None when unset or empty."""
    value = env.get(name) or None
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise SettingsError(f"{name}={value!r} is not a date; set it to {meaning} as YYYY-MM-DD, e.g. {name}=2026-01-01.") from None
    return value


def _whole_days(env: Mapping[str, str], name: str, default: int, meaning: str) -> int:
    """The variable's number of days (0 or more), `default` when unset or empty."""
    value = env.get(name) or str(default)
    if not value.isdigit():
        raise SettingsError(f"{name}={value!r} is not a whole number of days; set it to {meaning}.")
    return int(value)


@dataclass(frozen=True)
class WarehouseSettings:
    landing_dir: Path
    warehouse_path: Path
    published_path: Path
    export_dir: Path
    duckdb_temp_dir: Path
    dagster_home: Path
    threads: int
    memory_limit: str
    engine: str  # EW_ENGINE: duckdb, or spark (docs/spark.md)
    spark_dir: Path  # EW_ENGINE=spark: landing parquet, tables, metastore
    erasure_purge_days: int = 7
    dbt_artifact_days: int = 7  # target/<step>-<run>-<id>/ of a Dagster dbt step: removed after this many days
    partitions_start: str | None = None
    earliest_plausible_date: str = "2000-01-01"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WarehouseSettings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("EW_DATA_DIR", PROJECT_ROOT / "data")).resolve()

        def path(name: str, default: Path) -> Path:
            return Path(env.get(name) or default).expanduser().resolve()

        raw_threads = env.get("EW_DUCKDB_THREADS") or str(os.cpu_count() or 1)
        if not raw_threads.isdigit() or int(raw_threads) < 1:
            raise SettingsError(
                f"EW_DUCKDB_THREADS={raw_threads!r} is not a positive integer; "
                "set it to the number of cores DuckDB may use, e.g. EW_DUCKDB_THREADS=2."
            )
        engine = env.get("EW_ENGINE") or "duckdb"
        if engine not in ENGINES:
            raise SettingsError(f"EW_ENGINE={engine!r} is not an engine this project builds on; set it to one of {', '.join(ENGINES)}.")
        partitions_start = _iso_date(env, "EW_PARTITIONS_START", "the first daily partition of the event models")
        earliest_plausible_date = _iso_date(env, "EW_EARLIEST_PLAUSIBLE_DATE", "the earliest event date that is not a placeholder")
        return cls(
            landing_dir=path("EW_LANDING_DIR", data_dir / "landing"),
            warehouse_path=path("EW_WAREHOUSE_PATH", data_dir / "warehouse" / "engagement.duckdb"),
            published_path=path("EW_PUBLISHED_PATH", data_dir / "published" / "engagement.duckdb"),
            export_dir=path("EW_EXPORT_DIR", data_dir / "exports"),
            duckdb_temp_dir=path("EW_DUCKDB_TEMP_DIR", data_dir / "duckdb_tmp"),
            dagster_home=path("DAGSTER_HOME", data_dir / "dagster_home"),
            threads=int(raw_threads),
            memory_limit=env.get("EW_DUCKDB_MEMORY_LIMIT") or "4GB",
            erasure_purge_days=_whole_days(
                env, "EW_ERASURE_PURGE_DAYS", 7, "how long the published file may keep bytes of deleted erased rows, "
                "e.g. EW_ERASURE_PURGE_DAYS=7 (0: purge at once)"),
            dbt_artifact_days=_whole_days(
                env, "EW_DBT_ARTIFACT_DAYS", 7, "how long the dbt artifacts of a Dagster step are kept, "
                "e.g. EW_DBT_ARTIFACT_DAYS=7 (0: only the last run's)"),
            partitions_start=partitions_start,
            earliest_plausible_date=earliest_plausible_date or "2000-01-01",
            engine=engine,
            spark_dir=path("EW_SPARK_DIR", data_dir / "spark"),
        )

    def connect(self):
        """A DuckDB connection to the build warehouse with the profile's settings (a file it creates stays
        readable by DuckDB 1.4 clients)."""
        import duckdb

        self.ensure_dirs()
        con = duckdb.connect(str(self.warehouse_path), config={
            "storage_compatibility_version": "v1.4.0", "temp_directory": str(self.duckdb_temp_dir),
            "threads": self.threads, "memory_limit": self.memory_limit})
        con.execute("set TimeZone = 'UTC'")  # as the dbt profile: text casts of timestamps read the same
        return con

    def ensure_dirs(self) -> None:
        for directory in (self.warehouse_path.parent, self.published_path.parent, self.duckdb_temp_dir):
            directory.mkdir(parents=True, exist_ok=True)

