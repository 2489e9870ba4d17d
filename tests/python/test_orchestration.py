"""Dagster definitions load, and the whole graph materialises on tiny data and publishes a readable copy."""

import duckdb
from dagster import materialize

from conftest import generate_small, warehouse_env
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
    with duckdb.connect(str(tmp_path / "published" / "engagement.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_app__events").fetchone()[0] > 0
