"""When the warehouse refreshes: a daily schedule and a sensor on the landing folder (both off by default)."""

from pathlib import PurePath

from dagster import (
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    define_asset_job,
    sensor,
)

from engagement_warehouse.settings import LANDING_TABLES, WarehouseSettings
from orchestration.audience_exports import audience_exports
from orchestration.landing import landing_preflight
from orchestration.partitions import MICRO_BATCH_TAG, event_days

refresh_warehouse = define_asset_job(
    "refresh_warehouse", selection="*", partitions_def=event_days,
    description="Everything: dbt models and tests, statistics, audience exports, publish. The partition (event "
                "day) bounds what the incremental event models reprocess; a range backfill runs once.",
)

# What a customer's action, or its absence, decides on fresh events: the audiences that read fct_events, and the
# models between the landed events (with the erasure requests staging applies, a view) and them. Staging checks the
# new events against the customers the last refresh_warehouse staged (rebuilding them is 4-5 s of a micro-batch at L):
# an event of a customer who signed up since waits as an orphan until that refresh releases it.
EVENT_TRIGGERED_AUDIENCES = ("audience_trial_without_key_action",)
EVENT_TRIGGER_MODELS = ("stg_privacy__erasure_requests", "base_app__events", "stg_app__events", "int_identity_map", "fct_events",
                        *EVENT_TRIGGERED_AUDIENCES)

refresh_event_triggers = define_asset_job(
    "refresh_event_triggers",
    selection=AssetSelection.assets(*landing_preflight.keys, *(AssetKey(name) for name in EVENT_TRIGGER_MODELS),
                                    *audience_exports.keys),
    partitions_def=event_days,
    tags={MICRO_BATCH_TAG: "true"},
    description="A micro-batch for each new load file: the preflight, staging of the new events (checked against the "
                "customers the last refresh_warehouse staged), the identity map, fct_events and the event-triggered "
                "audiences with their exports. Other marts (and the customer attributes the audiences read) wait for "
                "refresh_warehouse.",
)

daily_refresh = build_schedule_from_partitioned_job(
    refresh_warehouse, name="daily_refresh", hour_of_day=2, minute_of_hour=0,
    default_status=DefaultScheduleStatus.STOPPED,
    description="At 02:00 UTC, refresh with the previous day's partition, after the nightly loads.",
)


def landing_files_after(cursor: str | None) -> list[tuple[int, str]]:
    """(mtime_ns, path) of every file in a table folder newer than the cursor, oldest first (the preflight
    decides whether it is read)."""
    landing = WarehouseSettings.from_env().landing_dir
    mtime_ns, _, path = (cursor or "0|").partition("|")
    seen = (int(mtime_ns), path)
    files = [(f.stat().st_mtime_ns, str(f.relative_to(landing))) for table in LANDING_TABLES
             for f in landing.joinpath(table).rglob("*") if f.is_file()]
    return sorted(f for f in files if f > seen)


@sensor(job=refresh_event_triggers, minimum_interval_seconds=15, default_status=DefaultSensorStatus.STOPPED,
        description="Starts a micro-batch (refresh_event_triggers) when new load files land, at any time of day; the "
                    "cursor (newest file seen) makes each file trigger once.")
def new_landing_files(context: SensorEvaluationContext):
    new_files = landing_files_after(context.cursor)
    if not new_files:
        return SkipReason("no new load files")
    newest = new_files[-1]
    cursor = f"{newest[0]}|{newest[1]}"
    context.update_cursor(cursor)
    # The load file's day is the partition to refresh; a non-date name refreshes the newest partition.
    day = PurePath(newest[1]).stem
    partition = day if event_days.has_partition_key(day) else event_days.get_last_partition_key()
    return RunRequest(run_key=cursor, partition_key=partition,
                      tags={"new_load_files": str(len(new_files)), "newest_load_file": newest[1]})
