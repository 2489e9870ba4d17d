"""The same dbt project on Apache Spark (EW_ENGINE=spark, docs/spark.md): every model up to the Python statistics
(staging, intermediate, marts) built by dbt-spark equals DuckDB's on the same landing folder, row for row."""

import subprocess
from pathlib import Path

import duckdb
from conftest import BUILD_UP_TO_STATISTICS, run_preflight

from engagement_warehouse.settings import dbt_command

# What the DuckDB fixture builds, with every dbt test that reads only built models (reconciliation with the raw
# files, every injected fault found, uniqueness, relationships, accepted values...); unit tests check the SQL logic
# on fixed rows, which the DuckDB suite does.
SPARK_BUILD = (*BUILD_UP_TO_STATISTICS, "--exclude-resource-type", "unit_test", "--indirect-selection", "buildable")
SCHEMAS = ("staging", "intermediate", "marts")
# Ratios and divisions: Spark computes `x * 1.0 / y` in decimal, DuckDB in double, and rounds decimal quotients
# its own way (an MRR of 24.166567 against 24.166566), so numbers are compared to 5 decimal places.
DECIMAL_PLACES = 5


def spark_table_rows(spark_dir: Path, schema: str, table: str) -> str:
    """SQL reading a table Spark wrote (parquet files under its warehouse folder)."""
    return f"read_parquet('{spark_dir}/warehouse/{schema}.db/{table}/*.parquet')"


def comparable(column: str, data_type: str) -> str:
    numeric = data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL")
    return f'round(cast("{column}" as double), {DECIMAL_PLACES})' if numeric else f'cast("{column}" as varchar)'


def test_spark_builds_every_model_up_to_the_statistics_as_duckdb_does(built_warehouse, tmp_path):
    env, _ = built_warehouse
    spark_dir = tmp_path / "spark"
    spark_env = {**env, "EW_ENGINE": "spark", "EW_SPARK_DIR": str(spark_dir)}
    preflight = run_preflight(spark_env)  # checks the landing folder again and writes its tables as parquet for Spark
    assert preflight.returncode == 0, preflight.stderr
    build = subprocess.run(dbt_command(*SPARK_BUILD, target_path=tmp_path / "target"), env=spark_env,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-5000:]
    assert "matches_injected_faults" in build.stdout  # the generator's faults are checked on Spark too

    with duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('staging', 'intermediate', "
            "'marts') and table_type = 'BASE TABLE' order by all").fetchall()
        assert {schema for schema, _ in tables} == set(SCHEMAS) and len(tables) > 30, tables
        for schema, table in tables:
            spark_rows = spark_table_rows(spark_dir, schema, table)
            duckdb_columns = con.execute(f"describe {schema}.{table}").fetchall()
            spark_columns = con.execute(f"describe select * from {spark_rows}").fetchall()
            # The same columns (Spark puts the columns an erasure nulls last: `* except`, then the columns); in
            # staging also the same types (later, sums are HUGEINT on DuckDB and ratios decimal on Spark).
            assert sorted(c[0] for c in spark_columns) == sorted(c[0] for c in duckdb_columns), f"{schema}.{table}"
            if schema == "staging":
                assert sorted((c[0], c[1]) for c in spark_columns) == sorted((c[0], c[1]) for c in duckdb_columns), table
            columns = ", ".join(comparable(c[0], c[1]) for c in duckdb_columns)
            for first, second in ((f"{schema}.{table}", spark_rows), (spark_rows, f"{schema}.{table}")):
                only_in_first = con.execute(f"select {columns} from {first} except all select {columns} from {second} limit 3").fetchall()
                assert only_in_first == [], f"{schema}.{table}: rows of {first} not in {second}: {only_in_first}"
