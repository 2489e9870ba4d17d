"""The landing tables for a Spark build (EW_ENGINE=spark): what the preflight exposes, written as parquet.

The preflight (DuckDB) checks every load file and makes one view per landing table with the contract's columns, the
load file (`load_id`) and the row's number in it (`load_row_number`), CSV files included; it also writes the ledgers
(load_files, preflight_findings, consumed_load_files). A Spark build reads exactly those rows: each view and ledger is
written to `<EW_SPARK_DIR>/landing/<table>/` as parquet, and dbt registers the folders as tables of the database
`landing` when a Spark run starts (macro register_landing_tables). So both engines stage the same rows, decided once.
"""

from pathlib import Path

import duckdb

from engagement_warehouse.landing.contract import LANDING_SCHEMA
from engagement_warehouse.spark_tables import write_parquet_folders


def write_spark_landing(con: duckdb.DuckDBPyConnection, spark_dir: Path) -> None:
    """Every landing view and ledger of the warehouse `con` as parquet under `spark_dir`/landing."""
    tables = [name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = ? and table_name not like 'csv\\_%' escape '\\' "
        "order by table_name", [LANDING_SCHEMA]).fetchall()]
    write_parquet_folders(con, LANDING_SCHEMA, tables, spark_dir)
