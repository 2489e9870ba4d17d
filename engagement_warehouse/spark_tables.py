"""Tables between DuckDB and Spark (EW_ENGINE=spark, docs/spark.md), as parquet folders.

dbt-spark's session method keeps each table as a folder of parquet files under `$EW_SPARK_DIR/warehouse/<schema>.db/`.
What runs on DuckDB around a Spark build — the Python statistics, the copy BI tools read and the audience exports, in
the Dagster graph or as `make statistics` and `make publish` — opens a DuckDB file holding one view per such table, so
it runs unchanged on Spark's rows. What DuckDB hands to Spark — the preflight's landing tables, the statistics — goes
the other way: one parquet folder per table, `$EW_SPARK_DIR/<schema>/<table>/`, which a Spark run registers as that
table (macro register_parquet_folders).
"""

import shutil
from pathlib import Path

import duckdb

from engagement_warehouse.settings import WarehouseSettings


def spark_table_views(spark_dir: Path, path: Path, schemas: tuple[str, ...]) -> Path:
    """The DuckDB file `path` with, for each of `schemas`, a schema of one view per Spark table (made again: Spark
    may have added, dropped or rewritten tables since); other schemas of the file are kept. Returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        create_spark_table_views(con, spark_dir, schemas)
    return path


def create_spark_table_views(con: duckdb.DuckDBPyConnection, spark_dir: Path, schemas: tuple[str, ...],
                             as_schema: str | None = None) -> None:
    """In `con`, for each of `schemas`, a schema (named `as_schema` if given) of one view per Spark table with rows,
    made again. A table partitioned on a column (the incremental models') is a folder per value,
    `<column>=<value>/`, read back as that column; a partitioned table without rows has no file, and no view."""
    for schema in schemas:
        view_schema = as_schema or schema
        con.execute(f"drop schema if exists {view_schema} cascade")
        con.execute(f"create schema {view_schema}")
        for folder in sorted((spark_dir / "warehouse" / f"{schema}.db").glob("*/")):
            # not a scratch table an incremental run on Spark left behind when it failed (macros/spark.sql)
            if "__dbt_" not in folder.name and next(folder.rglob("*.parquet"), None) is not None:
                partitioned = any(entry.is_dir() and "=" in entry.name for entry in folder.iterdir())
                con.execute(f"create view {view_schema}.{folder.name} as select * from "
                            f"read_parquet('{folder}/**/*.parquet', hive_partitioning = {str(partitioned).lower()})")


def build_exists(settings: WarehouseSettings) -> None:
    """FileNotFoundError naming the fix when dbt has built nothing yet on the settings' engine."""
    built = settings.spark_dir / "warehouse" if settings.engine == "spark" else settings.warehouse_path
    if not built.exists():
        raise FileNotFoundError(f"no warehouse at {built}; build it first: make preflight, then dbt build "
                                "(README, Plain dbt; docs/spark.md on Spark)")


def duckdb_file_of_build(settings: WarehouseSettings, bridge_name: str, schemas: tuple[str, ...]) -> Path:
    """The DuckDB file that what runs after dbt reads (the statistics, the published copy, the audience exports): the
    warehouse, or on Spark the file $EW_SPARK_DIR/`bridge_name` of views over Spark's tables of `schemas`.
    FileNotFoundError when nothing was built."""
    build_exists(settings)
    if settings.engine != "spark":
        return settings.warehouse_path
    return spark_table_views(settings.spark_dir, settings.spark_dir / bridge_name, schemas)


def write_parquet_folders(con: duckdb.DuckDBPyConnection, schema: str, names: list[str], spark_dir: Path) -> None:
    """Each table or view `schema`.<name> of `con` as the folder `spark_dir`/<schema>/<name>/ (one parquet file; an
    earlier folder is replaced), which Spark registers as the table <schema>.<name>."""
    for name in names:
        folder = spark_dir / schema / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        con.execute(f"copy (select * from {schema}.{name}) to '{folder / 'part-0.parquet'}' (format parquet)")
