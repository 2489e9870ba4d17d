"""When the warehouse refreshes: a daily schedule and a sensor on the landing folder (both off by default)."""

from dagster import DefaultScheduleStatus, DefaultSensorStatus, RunRequest, ScheduleDefinition, SensorEvaluationContext, SkipReason, define_asset_job, sensor

from engagement_warehouse.settings import LANDING_TABLES, WarehouseSettings

refresh_warehouse = define_asset_job(
    "refresh_warehouse", selection="*",
    description="Everything: dbt models and tests, statistics, audience exports, publish.",
)

daily_refresh = ScheduleDefinition(
    name="daily_refresh", job=refresh_warehouse, cron_schedule="0 2 * * *", execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Refresh at 02:00 UTC, after the nightly loads.",
)


def landing_files_after(cursor: str | None) -> list[tuple[int, str]]:
    """(mtime_ns, path) of every load file newer than the cursor, oldest first."""
    landing = WarehouseSettings.from_env().landing_dir
    seen = tuple(cursor.split("|", 1)) if cursor else (0, "")
    seen = (int(seen[0]), seen[1])
    files = [(f.stat().st_mtime_ns, str(f.relative_to(landing))) for table in LANDING_TABLES
             for f in landing.joinpath(table).glob("*.parquet")]
    return sorted(f for f in files if f > seen)


@sensor(job=refresh_warehouse, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED,
        description="Starts a refresh when new load files land; the cursor (newest file seen) makes each file trigger once.")
def new_landing_files(context: SensorEvaluationContext):
    new_files = landing_files_after(context.cursor)
    if not new_files:
        return SkipReason("no new load files")
    newest = new_files[-1]
    cursor = f"{newest[0]}|{newest[1]}"
    context.update_cursor(cursor)
    return RunRequest(run_key=cursor, tags={"new_load_files": str(len(new_files)), "newest_load_file": newest[1]})
