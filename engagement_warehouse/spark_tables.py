"""Tables between DuckDB and Spark (EW_ENGINE=spark, docs/spark.md), as parquet folders.

dbt-spark's session method keeps each table as a folder of parquet files under `$EW_SPARK_DIR/warehouse/<schema>.db/`.
What runs on DuckDB around a Spark build — the Python statistics (`make statistics`) and the copy BI tools read
(`make publish`) — opens a DuckDB file holding one view per such table, so it runs unchanged on Spark's rows. What
DuckDB hands to Spark — the preflight's landing tables, the statistics — goes the other way: one parquet folder per
table, `$EW_SPARK_DIR/<schema>/<table>/`, which a Spark run registers as that table (macro register_parquet_folders).
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
        for schema in schemas:
            con.execute(f"drop schema if exists {schema} cascade")
            con.execute(f"create schema {schema}")
            for folder in sorted((spark_dir / "warehouse" / f"{schema}.db").glob("*/")):
                con.execute(f"create view {schema}.{folder.name} as select * from read_parquet('{folder}/*.parquet')")
    return path


def duckdb_file_of_build(settings: WarehouseSettings, bridge_name: str, schemas: tuple[str, ...]) -> Path:
    """The DuckDB file a command after a plain dbt build reads: the warehouse, or on Spark the file
    $EW_SPARK_DIR/`bridge_name` of views over Spark's tables of `schemas`. FileNotFoundError when nothing was built."""
    on_spark = settings.engine == "spark"
    built = settings.spark_dir / "warehouse" if on_spark else settings.warehouse_path
    if not built.exists():
        raise FileNotFoundError(f"no warehouse at {built}; build it first: make preflight, then dbt build "
                                "(README, Plain dbt; docs/spark.md on Spark)")
    return spark_table_views(settings.spark_dir, settings.spark_dir / bridge_name, schemas) if on_spark else built


def write_parquet_folders(con: duckdb.DuckDBPyConnection, schema: str, names: list[str], spark_dir: Path) -> None:
    """Each table or view `schema`.<name> of `con` as the folder `spark_dir`/<schema>/<name>/ (one parquet file; an
    earlier folder is replaced), which Spark registers as the table <schema>.<name>."""
    for name in names:
        folder = spark_dir / schema / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        con.execute(f"copy (select * from {schema}.{name}) to '{folder / 'part-0.parquet'}' (format parquet)")
