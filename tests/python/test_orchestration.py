"""Dagster definitions load, and the whole graph materialises on tiny data and publishes a readable copy."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
from dagster import materialize

from conftest import generate_small, warehouse_env
from engagement_warehouse.settings import PROJECT_ROOT
from orchestration.dbt_assets import dbt_build_args
from orchestration.definitions import defs
from orchestration.publish import publish_copy


def test_definitions_hold_every_dbt_model_tests_as_checks_and_the_publish_asset():
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {"stg_app__events", "quarantine_app__events", "load_reconciliation", "published_warehouse"} <= keys
    assert len(list(defs.resolve_asset_graph().asset_check_keys)) > 50


def test_fault_manifest_check_is_switched_off_without_a_manifest():
    assert dbt_build_args(True) == ["build"]
    assert dbt_build_args(False) == ["build", "--vars", '{"verify_injected_faults": false}']


def test_publish_replaces_the_copy_while_a_reader_holds_the_old_one(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create table t as select 1 as version")
    publish_copy(build, published)
    reader = duckdb.connect(str(published), read_only=True)
    with duckdb.connect(str(build)) as con:
        con.execute("update t set version = 2")
    publish_copy(build, published)
    assert reader.execute("select version from t").fetchone() == (1,)
    reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select version from t").fetchone() == (2,)
    assert not list(published.parent.glob(".*.tmp"))


def test_whole_graph_materialises_and_publishes(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    generate_small(landing, customers=150, days=7)
    for name, value in warehouse_env(tmp_path, landing).items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    result = materialize(list(defs.assets), resources=defs.resources)
    assert result.success
    published = tmp_path / "published" / "engagement.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        staged_events = con.execute("select count(*) from staging.stg_app__events").fetchone()[0]
    assert staged_events > 0
    assert _count_with_duckdb_1_4(published, "staging.stg_app__events") == ("1.4.4", staged_events)


def _count_with_duckdb_1_4(database: Path, table: str) -> tuple[str, int]:
    """Open the file as a BI tool still on DuckDB 1.4 would: the old client, read-only, in its own process."""
    client = PROJECT_ROOT / ".venv" / "duckdb-1.4"
    assert (client / "duckdb").is_dir(), f"DuckDB 1.4 client missing at {client}; `make test` installs it"
    script = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
              "print(duckdb.__version__, con.execute(f'select count(*) from {sys.argv[2]}').fetchone()[0])")
    result = subprocess.run([sys.executable, "-c", script, str(database), table], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(client)})
    assert result.returncode == 0, result.stderr
    version, count = result.stdout.split()
    return version, int(count)
