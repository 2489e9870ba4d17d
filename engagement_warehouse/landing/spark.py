"""The landing tables for a Spark build (EW_ENGINE=spark): what the preflight exposes, written as parquet.

The preflight (DuckDB) checks every load file and makes one view per landing table with the contract's columns, the
load file (`load_id`) and the row's number in it (`load_row_number`), CSV files included; it also writes the ledgers
(load_files, preflight_findings, consumed_load_files). A Spark build reads exactly those rows: each view and ledger is
written to `<EW_SPARK_DIR>/landing/<table>/` as parquet, and dbt registers the folders as tables of the database
`landing` when a Spark run starts (macro register_landing_tables). So both engines stage the same rows, decided once.
Which files are new to staging the preflight decides from Spark's staging tables (see_spark_staging).
"""

from pathlib import Path

import duckdb

from engagement_warehouse.landing.contract import LANDING_SCHEMA
from engagement_warehouse.landing.preflight import PreflightReport, run_preflight
from engagement_warehouse.settings import WarehouseSettings
from engagement_warehouse.spark_tables import create_spark_table_views, write_parquet_folders


def write_spark_landing(con: duckdb.DuckDBPyConnection, spark_dir: Path) -> None:
    """Every landing view and ledger of the warehouse `con` as parquet under `spark_dir`/landing."""
    tables = [name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = ? and table_name not like 'csv\\_%' escape '\\' "
        "order by table_name", [LANDING_SCHEMA]).fetchall()]
    # The per-model ledger of consumed load files is Spark's from its first build on: its incremental models' hooks
    # write it there (macros/consumed_load_files.sql); the preflight only creates it empty.
    if (spark_dir / LANDING_SCHEMA / "consumed_load_files").exists():
        tables.remove("consumed_load_files")
    write_parquet_folders(con, LANDING_SCHEMA, tables, spark_dir)


SPARK_STAGING_SCHEMA = "spark_staging"


def see_spark_staging(con: duckdb.DuckDBPyConnection, spark_dir: Path) -> str:
    """Spark's staging tables as views of the preflight's DuckDB file `con`, so the preflight tells the load files
    Spark has staged from new, rewritten and removed ones, as it does from the warehouse's on DuckDB. Returns their
    schema: not `staging`, which in the same file may hold a DuckDB build's."""
    create_spark_table_views(con, spark_dir, ("staging",), as_schema=SPARK_STAGING_SCHEMA)
    return SPARK_STAGING_SCHEMA


def preflight_for_engine(settings: WarehouseSettings) -> PreflightReport:
    """The preflight of the settings' landing folder into their warehouse file (`make preflight`, the Dagster graph's
    first step); on Spark it decides new files from Spark's staging and writes the landing tables for Spark too."""
    with settings.connect() as con:
        on_spark = settings.engine == "spark"
        report = run_preflight(settings.landing_dir, con, see_spark_staging(con, settings.spark_dir) if on_spark else "staging")
        if on_spark:
            write_spark_landing(con, settings.spark_dir)
    return report
