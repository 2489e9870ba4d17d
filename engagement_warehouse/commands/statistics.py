"""`make statistics`: the Python statistics for a warehouse built with plain dbt, so `source:statistics+` builds too.

    make preflight && dbt build --exclude source:statistics+ ...     # everything the statistics read
    make statistics                                                  # NPS/CSAT, CLV, retention fits, feedback themes
    dbt build --select source:statistics+ ...                        # the marts that read them

The statistics are the Dagster graph's statistics and feedback assets, materialised in this process (an ephemeral
Dagster instance) with their contract checks; a failed asset or check exits 1 and names it. On DuckDB they read and
write the warehouse file. On Spark (EW_ENGINE=spark) the same numerical code runs in DuckDB on Spark's tables and
writes each statistics table back as a parquet folder (orchestration.stats_assets.statistics_connection); this
command then registers the folders in Spark's catalog (`dbt run-operation register_statistics_tables`). Spark's
tables are read from their folders, so this needs the session method's local warehouse (docs/spark.md).
"""

import subprocess
import sys

from engagement_warehouse.settings import SettingsError, WarehouseSettings, dbt_command
from engagement_warehouse.spark_tables import build_exists


def materialise_statistics() -> list[str]:
    """The statistics and feedback assets; the names of failed assets/checks."""
    from dagster import AssetSelection, DagsterInstance, materialize

    from orchestration.definitions import defs
    from orchestration.feedback_assets import feedback_assets
    from orchestration.stats_assets import statistics_assets

    selection = AssetSelection.assets(*statistics_assets, *feedback_assets)
    result = materialize(list(defs.assets), selection=selection, resources=defs.resources,
                         instance=DagsterInstance.ephemeral(), raise_on_error=False)
    failed = [event.step_key for event in result.get_step_failure_events()]
    checks = (event.event_specific_data for event in result.all_events if event.event_type_value == "ASSET_CHECK_EVALUATION")
    failed += [f"{check.asset_key.to_user_string()}: {check.check_name}" for check in checks if not check.passed]
    return failed


def main() -> int:
    from orchestration.stats_contracts import SCHEMA

    try:
        settings = WarehouseSettings.from_env()
        build_exists(settings)
    except (SettingsError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = materialise_statistics()
    if failed:
        print("error: statistics failed (the log above says why): " + ", ".join(failed), file=sys.stderr)
        return 1
    if settings.engine == "spark":
        registered = subprocess.run(dbt_command("run-operation", "register_statistics_tables"))
        if registered.returncode != 0:
            return registered.returncode
        print(f"statistics for Spark: the tables under {settings.spark_dir / SCHEMA}, registered as database {SCHEMA}")
    print("next: dbt build --select source:statistics+ (with the same --vars as the build before)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
