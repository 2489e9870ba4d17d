"""The same dbt project on Apache Spark (EW_ENGINE=spark, docs/spark.md): the staging layer dbt-spark builds equals
DuckDB's, row for row, on the same landing folder. (Intermediate models and marts on Spark come next.)"""

import subprocess
from pathlib import Path

import duckdb
from conftest import run_preflight

from engagement_warehouse.settings import dbt_command

# Seeds, then every staging model and the tests that read only them (reconciliation, injected faults, uniqueness...).
SPARK_STAGING_BUILD = ("build", "--select", "resource_type:seed", "path:models/staging", "--exclude-resource-type", "unit_test",
                       "--indirect-selection", "buildable")


def spark_table_rows(spark_dir: Path, schema: str, table: str) -> str:
    """SQL reading a table Spark wrote (parquet files under its warehouse folder)."""
    return f"read_parquet('{spark_dir}/warehouse/{schema}.db/{table}/*.parquet')"


def test_spark_stages_every_landing_row_as_duckdb_does(built_warehouse, tmp_path):
    env, _ = built_warehouse
    spark_dir = tmp_path / "spark"
    spark_env = {**env, "EW_ENGINE": "spark", "EW_SPARK_DIR": str(spark_dir)}
    preflight = run_preflight(spark_env)  # checks the landing folder again and writes its tables as parquet for Spark
    assert preflight.returncode == 0, preflight.stderr
    build = subprocess.run(dbt_command(*SPARK_STAGING_BUILD, target_path=tmp_path / "target"), env=spark_env,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-5000:]
    assert "matches_injected_faults" in build.stdout  # the generator's faults are checked on Spark too

    with duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        tables = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'staging' and table_type = 'BASE TABLE' "
            "order by table_name").fetchall()]
        assert len(tables) == 8, tables
        for table in tables:
            spark_rows = spark_table_rows(spark_dir, "staging", table)
            duckdb_columns = con.execute(f"describe staging.{table}").fetchall()
            spark_columns = con.execute(f"describe select * from {spark_rows}").fetchall()
            # The same columns and types; Spark puts the columns an erasure nulls last (`* except`, then the columns).
            assert sorted((c[0], c[1]) for c in spark_columns) == sorted((c[0], c[1]) for c in duckdb_columns), table
            rows = con.execute(f"select count(*) from staging.{table}").fetchone()[0]
            assert rows > 0, table
            columns = ", ".join(f'"{c[0]}"' for c in duckdb_columns)
            for first, second in ((f"staging.{table}", spark_rows), (spark_rows, f"staging.{table}")):
                only_in_first = con.execute(f"select {columns} from {first} except all select {columns} from {second} limit 5").fetchall()
                assert only_in_first == [], f"{table}: rows of {first} not in {second}: {only_in_first}"
