"""A full dbt build on small generated data: all dbt tests pass and staging recovers the clean data exactly."""

import os
import shutil
import subprocess

import duckdb
from conftest import BUILD_UP_TO_STATISTICS, run_dbt, run_preflight

from engagement_warehouse.settings import PROJECT_ROOT, RAW_TABLES, dbt_command


def _connect(env):
    return duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True)


def test_staging_holds_exactly_the_clean_rows_and_quarantine_exactly_the_faults(built_warehouse):
    env, truth = built_warehouse
    with _connect(env) as con:
        rows = con.execute("""
            select table_name,
                   max(raw_row_count),
                   sum(row_count) filter (where row_disposition = 'staged'),
                   coalesce(sum(row_count) filter (where row_disposition <> 'staged'), 0)
            from marts.load_reconciliation group by table_name""").fetchall()
    found = {t: (raw, staged, refused) for t, raw, staged, refused in rows}
    # erasure requests: counted where any landed (test_orchestration and test_bad_input check them)
    assert set(found) - {"erasure_requests"} == set(RAW_TABLES)
    for table in RAW_TABLES:
        raw, staged, refused = found[table]
        assert raw == truth["raw_rows"][table], table
        assert staged == truth["clean_rows"][table], table
        assert refused == sum(truth["injected_faults"][table].values()), table


def test_pii_is_replaced_by_a_pseudonymous_key(built_warehouse):
    env, _ = built_warehouse
    with _connect(env) as con:
        key, customer = con.execute("select customer_key, customer_id from staging.stg_app__customers limit 1").fetchone()
    assert key and customer not in key and len(key) == 32


def test_the_warehouse_file_is_written_in_duckdb_1_4_storage_format(built_warehouse):
    env, _ = built_warehouse
    with _connect(env) as con:
        (version,) = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchone()
    assert version == "v1.4.0+"


def test_plain_dbt_reads_and_writes_under_ew_data_dir_alone(tmp_path, small_landing):
    """README: EW_DATA_DIR is the parent of every default path, for bare dbt as for Dagster."""
    landing, truth = small_landing
    shutil.copytree(landing, tmp_path / "landing", symlinks=True)
    (tmp_path / "warehouse").mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("EW_")} | {"EW_DATA_DIR": str(tmp_path)}
    assert run_preflight(env).returncode == 0
    result = subprocess.run(dbt_command("build", "--select", "+base_marketing__marketing_spend", "--resource-type", "seed",
                                        "--resource-type", "model", target_path=tmp_path / "target"),
                            env=env, capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(tmp_path / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        raw = con.execute("select count(*) from staging.base_marketing__marketing_spend").fetchone()[0]
    assert raw == truth["raw_rows"]["marketing_spend"] > 0


def test_building_the_same_landing_twice_gives_the_same_tables_value_for_value(built_warehouse, tmp_path):
    """SPEC §4: the same input builds the same marts, row for row and value for value (tie-breakers, decimal money)."""
    first_env, _ = built_warehouse
    second_env = {**first_env, "EW_WAREHOUSE_PATH": str(tmp_path / "second.duckdb"), "EW_DUCKDB_TEMP_DIR": str(tmp_path / "tmp")}
    result = run_dbt(second_env, *BUILD_UP_TO_STATISTICS)
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(second_env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        con.execute(f"attach '{first_env['EW_WAREHOUSE_PATH']}' as first (read_only)")
        tables = con.execute("select schema_name, table_name from duckdb_tables() where database_name = 'second' "
                             "and schema_name in ('intermediate', 'marts') order by all").fetchall()
        assert len(tables) > 20
        differing = []
        for schema, table in tables:
            name = f"{schema}.{table}"
            only_second = con.execute(f"select count(*) from (from second.{name} except all from first.{name})").fetchone()[0]
            only_first = con.execute(f"select count(*) from (from first.{name} except all from second.{name})").fetchone()[0]
            if only_first or only_second:
                differing.append((name, only_first, only_second))
    assert differing == []
