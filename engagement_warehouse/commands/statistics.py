"""`make statistics`: the Python statistics for a warehouse built with plain dbt, so `source:statistics+` builds too.

    make preflight && dbt build --exclude source:statistics+ ...     # everything the statistics read
    make statistics                                                  # NPS/CSAT, CLV, retention fits, feedback themes
    dbt build --select source:statistics+ ...                        # the marts that read them

The statistics are the Dagster graph's statistics and feedback assets, materialised in this process (an ephemeral
Dagster instance) with their contract checks; a failed asset or check exits 1 and names it. On DuckDB they read and
write the warehouse file. On Spark (EW_ENGINE=spark) the same numerical code runs in DuckDB on Spark's tables: a
bridge file under $EW_SPARK_DIR holds views over the parquet folders of Spark's `intermediate` and `reference` tables
(and keeps the statistics tables between runs, as the warehouse does: stored feedback themes are reused), then each
statistics table is written to $EW_SPARK_DIR/statistics/<table>/ as parquet and registered in Spark's catalog
(`dbt run-operation register_statistics_tables`). Spark's tables are read from their folders, so this needs the
session method's local warehouse (docs/spark.md).
"""

import subprocess
import sys
from pathlib import Path

import duckdb

from engagement_warehouse.settings import SettingsError, WarehouseSettings, dbt_command
from engagement_warehouse.spark_tables import duckdb_file_of_build, write_parquet_folders

# What the statistics assets read on Spark: every table of these Spark databases.
SPARK_INPUT_SCHEMAS = ("intermediate", "reference")
SPARK_BRIDGE = "statistics_bridge.duckdb"  # not statistics.duckdb: the file's catalog would share the schema's name
STATISTICS_SCHEMA = "statistics"


def write_spark_statistics(settings: WarehouseSettings, bridge: Path) -> list[str]:
    """Every statistics table of the bridge as parquet under $EW_SPARK_DIR/statistics; returns their names."""
    with duckdb.connect(str(bridge), read_only=True) as con:
        names = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [STATISTICS_SCHEMA]).fetchall()]
        write_parquet_folders(con, STATISTICS_SCHEMA, names, settings.spark_dir)
    return names


def materialise_statistics(warehouse_path: Path) -> list[str]:
    """The statistics and feedback assets on the DuckDB file `warehouse_path`; the names of failed assets/checks."""
    from dagster import AssetSelection, DagsterInstance, materialize

    from orchestration.dbt_assets import environment
    from orchestration.definitions import defs
    from orchestration.feedback_assets import feedback_assets
    from orchestration.stats_assets import statistics_assets

    selection = AssetSelection.assets(*statistics_assets, *feedback_assets)
    with environment({"EW_WAREHOUSE_PATH": str(warehouse_path)}):
        result = materialize(list(defs.assets), selection=selection, resources=defs.resources,
                             instance=DagsterInstance.ephemeral(), raise_on_error=False)
    failed = [event.step_key for event in result.get_step_failure_events()]
    checks = (event.event_specific_data for event in result.all_events if event.event_type_value == "ASSET_CHECK_EVALUATION")
    failed += [f"{check.asset_key.to_user_string()}: {check.check_name}" for check in checks if not check.passed]
    return failed


def main() -> int:
    try:
        settings = WarehouseSettings.from_env()
        warehouse = duckdb_file_of_build(settings, SPARK_BRIDGE, SPARK_INPUT_SCHEMAS)
    except (SettingsError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = materialise_statistics(warehouse)
    if failed:
        print("error: statistics failed (the log above says why): " + ", ".join(failed), file=sys.stderr)
        return 1
    if settings.engine == "spark":
        names = write_spark_statistics(settings, warehouse)
        registered = subprocess.run(dbt_command("run-operation", "register_statistics_tables"))
        if registered.returncode != 0:
            return registered.returncode
        print(f"statistics for Spark: {len(names)} tables under {settings.spark_dir / STATISTICS_SCHEMA}, registered as "
              f"database {STATISTICS_SCHEMA}")
    print("next: dbt build --select source:statistics+ (with the same --vars as the build before)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
