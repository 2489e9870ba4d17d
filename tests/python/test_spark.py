"""The same dbt project on Apache Spark (EW_ENGINE=spark, docs/spark.md): every model, with the Python statistics
between the two dbt builds (`make statistics`), built by dbt-spark equals DuckDB's on the same landing folder, row
for row."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import BUILD_UP_TO_STATISTICS, personal_values, run_preflight, run_statistics, spark_table_rows, warehouse_env
from dagster import materialize

from engagement_warehouse.settings import PROJECT_ROOT, dbt_command
from orchestration.definitions import defs
from orchestration.partitions import whole_landing_tags

# What the DuckDB fixture builds, with every dbt test that reads only built models (reconciliation with the raw
# files, every injected fault found, uniqueness, relationships, accepted values...); unit tests check the SQL logic
# on fixed rows, which the DuckDB suite does.
SPARK_BUILD = (*BUILD_UP_TO_STATISTICS, "--exclude-resource-type", "unit_test", "--indirect-selection", "buildable")
AFTER_STATISTICS = ("build", "--select", "source:statistics+", "--exclude-resource-type", "unit_test")
SCHEMAS = ("staging", "intermediate", "marts", "statistics")
# Spark computes a decimal division (an amount over a count) in decimal, DuckDB in double, and rounds decimal quotients
# its own way (an MRR of 24.166567 against 24.166566), so numbers are compared to 5 decimal places.
DECIMAL_PLACES = 5


def comparable(column: str, data_type: str) -> str:
    numeric = data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL")
    return f'round(cast("{column}" as double), {DECIMAL_PLACES})' if numeric else f'cast("{column}" as varchar)'


def build(env: dict[str, str], target: Path, *args: str) -> str:
    built = subprocess.run(dbt_command(*args, target_path=target), env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-5000:]
    return built.stdout


def test_spark_builds_every_model_as_duckdb_does(built_warehouse, tmp_path):
    env, _ = built_warehouse
    # DuckDB: the statistics and the marts after them, on a copy of the fixture's warehouse (other tests read it as built).
    duckdb_env = {**env, "EW_WAREHOUSE_PATH": str(tmp_path / "duckdb" / "engagement.duckdb")}
    Path(duckdb_env["EW_WAREHOUSE_PATH"]).parent.mkdir()
    shutil.copyfile(env["EW_WAREHOUSE_PATH"], duckdb_env["EW_WAREHOUSE_PATH"])
    statistics = run_statistics(duckdb_env)
    assert statistics.returncode == 0, statistics.stderr[-3000:]
    build(duckdb_env, tmp_path / "target", *AFTER_STATISTICS)

    spark_dir = tmp_path / "spark"
    spark_env = {**env, "EW_ENGINE": "spark", "EW_SPARK_DIR": str(spark_dir)}
    preflight = run_preflight(spark_env)  # checks the landing folder again and writes its tables as parquet for Spark
    assert preflight.returncode == 0, preflight.stderr
    assert "matches_injected_faults" in build(spark_env, tmp_path / "target", *SPARK_BUILD)  # the faults are checked on Spark too
    statistics = run_statistics(spark_env)
    assert statistics.returncode == 0, statistics.stderr[-3000:] + statistics.stdout[-3000:]
    assert "customer_predicted_value" in build(spark_env, tmp_path / "target", *AFTER_STATISTICS)
    # `make publish`: what BI tools read, from Spark's tables
    spark_env["EW_PUBLISHED_PATH"] = str(tmp_path / "published" / "engagement.duckdb")
    published = subprocess.run([sys.executable, "-m", "engagement_warehouse.commands.publish"], env=spark_env,
                               capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert published.returncode == 0, published.stderr[-3000:]

    with duckdb.connect(duckdb_env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ('staging', 'intermediate', "
            "'marts', 'statistics') and table_type = 'BASE TABLE' order by all").fetchall()
        assert {schema for schema, _ in tables} == set(SCHEMAS) and len(tables) > 60, tables
        assert ("marts", "dim_customers") in tables and ("statistics", "customer_clv_predictions") in tables
        for schema, table in tables:
            spark_rows = spark_table_rows(spark_dir, schema, table)
            duckdb_columns = con.execute(f"describe {schema}.{table}").fetchall()
            spark_columns = con.execute(f"describe select * from {spark_rows}").fetchall()
            # The same columns (Spark puts the columns an erasure nulls last: `* except`, then the columns); in
            # staging also the same types (later, sums are HUGEINT on DuckDB and amount ratios decimal on Spark).
            assert sorted(c[0] for c in spark_columns) == sorted(c[0] for c in duckdb_columns), f"{schema}.{table}"
            if schema == "staging":
                assert sorted((c[0], c[1]) for c in spark_columns) == sorted((c[0], c[1]) for c in duckdb_columns), table
            columns = ", ".join(comparable(c[0], c[1]) for c in duckdb_columns)
            for first, second in ((f"{schema}.{table}", spark_rows), (spark_rows, f"{schema}.{table}")):
                only_in_first = con.execute(f"select {columns} from {first} except all select {columns} from {second} limit 3").fetchall()
                assert only_in_first == [], f"{schema}.{table}: rows of {first} not in {second}: {only_in_first}"

    # The published copy holds the consumer schemas of Spark's build, every table DuckDB's build has there, with their
    # descriptions and without personal data (values scanned as in test_privacy).
    consumer_tables = {table for table in tables if table[0] == "marts"}
    with duckdb.connect(spark_env["EW_PUBLISHED_PATH"], read_only=True) as con:
        published_tables = set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
        assert {schema for schema, _ in published_tables} == {"marts", "semantic", "reference"}
        assert consumer_tables <= published_tables
        assert con.execute("select count(*) from duckdb_tables() where schema_name = 'marts' and coalesce(comment, '') = ''"
                           ).fetchone()[0] == 0
        text_columns = con.execute("select schema_name, table_name, column_name from duckdb_columns() "
                                   "where data_type = 'VARCHAR' order by all").fetchall()
        assert personal_values(con, text_columns) == []


def test_the_dagster_graph_on_spark_publishes_and_exports_what_it_does_on_duckdb(materialised_graph, tmp_path, monkeypatch):
    """The whole asset graph with EW_ENGINE=spark (`make demo` and `make build` on Spark): the preflight, the dbt steps
    on Spark with their tests as asset checks, the statistics in DuckDB on Spark's tables, the published copy and the
    audience exports — on the landing folder of the DuckDB graph fixture, whose published copy and exports it equals
    table by table (numbers to 5 places; column types follow each engine's)."""
    for name, value in warehouse_env(tmp_path, materialised_graph / "landing").items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("EW_ENGINE", "spark")
    monkeypatch.setenv("EW_SPARK_DIR", str(tmp_path / "spark"))
    result = materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags())
    assert result.success
    skipped = [event.step_key for event in result.all_events if event.event_type_value == "STEP_SKIPPED"]
    assert skipped == []  # a dbt node Dagster did not see finish skips what depends on it
    assert (tmp_path / "spark" / "warehouse" / "marts.db" / "fct_events").is_dir()  # built by Spark, not DuckDB

    duckdb_published, spark_published = materialised_graph / "published" / "engagement.duckdb", tmp_path / "published" / "engagement.duckdb"
    with duckdb.connect() as con:
        con.execute(f"attach '{duckdb_published}' as on_duckdb (read_only)")
        con.execute(f"attach '{spark_published}' as on_spark (read_only)")
        tables = {engine: con.execute(f"select schema_name, table_name from duckdb_tables() where database_name = '{engine}' "
                                      "order by all").fetchall() for engine in ("on_duckdb", "on_spark")}
        assert tables["on_spark"] == tables["on_duckdb"] and ("marts", "customer_predicted_value") in tables["on_spark"]
        relations = [(f"on_duckdb.{schema}.{table}", f"on_spark.{schema}.{table}") for schema, table in tables["on_duckdb"]]
        exports = sorted((materialised_graph / "exports").glob("*.parquet"))
        assert len(exports) > 3
        relations += [(f"read_parquet('{path}')", f"read_parquet('{tmp_path / 'exports' / path.name}')") for path in exports]
        for on_duckdb, on_spark in relations:
            duckdb_columns = con.execute(f"describe select * from {on_duckdb}").fetchall()
            spark_columns = con.execute(f"describe select * from {on_spark}").fetchall()
            assert sorted(c[0] for c in spark_columns) == sorted(c[0] for c in duckdb_columns), on_spark
            columns = ", ".join(comparable(c[0], c[1]) for c in duckdb_columns)
            for first, second in ((on_duckdb, on_spark), (on_spark, on_duckdb)):
                only_in_first = con.execute(f"select {columns} from {first} except all select {columns} from {second} limit 3").fetchall()
                assert only_in_first == [], f"rows of {first} not in {second}: {only_in_first}"
