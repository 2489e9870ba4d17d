"""Daily partitions of the event models (fct_events, fct_sessions), by event date (UTC)."""

import warnings
from collections.abc import Mapping
from datetime import date, timedelta

import duckdb
from dagster import DailyPartitionsDefinition

from engagement_warehouse.landing.preflight import check_landing, write_landing
from engagement_warehouse.settings import WarehouseSettings
from orchestration.instance import recorded_first_event_day


def first_partition_day() -> str:
    """EW_PARTITIONS_START (YYYY-MM-DD) when set, else the first event day the last `make build` or `make demo`
    landed (recorded in the Dagster home), else 2026-01-01. Read when the code location loads: a bad value of
    any setting stops the load with the settings' message."""
    settings = WarehouseSettings.from_env()
    return settings.partitions_start or recorded_first_event_day(settings) or "2026-01-01"


event_days = DailyPartitionsDefinition(start_date=first_partition_day(), end_offset=1)

RANGE_START_TAG, RANGE_END_TAG = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


PARTITION_TAG = "dagster/partition"


WINDOW_ENVIRONMENT = ("EW_EVENT_DATE_FROM", "EW_EVENT_DATE_TO")
# A run with this tag is a micro-batch for new load files (job refresh_event_triggers): its dbt steps reprocess no
# days, only what the new files change (macro is_micro_batch, environment variable EW_MICRO_BATCH).
MICRO_BATCH_TAG = "engagement_warehouse/micro_batch"


def partition_window_environment(window: tuple[str, str] | None) -> dict[str, str | None]:
    """What a dbt step's environment says of the run's window (macro reprocess_window_bound): reprocess event dates
    from the start (minus the lookback) up to, not including, the end; None unsets a variable (no window)."""
    return dict(zip(WINDOW_ENVIRONMENT, window or (None, None), strict=True))


def run_partition_window(tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The event dates a run covers, [start, end) as ISO dates, from its partition tags (one partition or a range);
    None for a run without partitions. Every dbt step of the run gets it, not only the partitioned event models:
    the incremental identity map reprocesses the same window."""
    first, last = (tags[RANGE_START_TAG], tags[RANGE_END_TAG]) if RANGE_START_TAG in tags else \
        (tags[PARTITION_TAG],) * 2 if PARTITION_TAG in tags else (None, None)
    if first is None:
        return None
    return first, (date.fromisoformat(last) + timedelta(days=1)).isoformat()


def landed_event_dates() -> tuple[date, date] | None:
    """First and last event date (UTC) of the landed events that pass the preflight, whatever the files are
    called; None without events. The preflight runs on an in-memory database: nothing is written."""
    settings = WarehouseSettings.from_env()
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        write_landing(con, check_landing(settings.landing_dir, con))
        first, last = con.execute(
            "select min(day), max(day) from (select cast(try_cast(client_timestamp as timestamptz) as date) as day "
            "from landing.events) where day >= cast(? as date) and day <= current_date + 1",
            [settings.earliest_plausible_date]).fetchone()
    return (first, last) if first else None


def whole_landing_tags() -> dict[str, str]:
    """Run tags that materialise every landed event day as one run (the demo, tests, first loads)."""
    return landing_range_tags(landed_event_dates())


def landing_range_tags(dates: tuple[date, date] | None) -> dict[str, str]:
    """Run tags for the landed events' first to last date, clipped to the partitions: days before
    EW_PARTITIONS_START are built by this run (a first build takes every event) but have no partition
    of their own, so a warning names the variable. Without events the last partition stands in.
    """
    first_partition = date.fromisoformat(event_days.get_first_partition_key())
    last_partition = date.fromisoformat(event_days.get_last_partition_key())
    first, last = dates or (last_partition, last_partition)
    if first < first_partition:
        warnings.warn(f"the landed events start on {first}, before the first daily partition {first_partition}: "
                      f"set EW_PARTITIONS_START={first} to give every day a partition (later runs reprocess by partition).",
                      stacklevel=2)
    first, last = min(max(first, first_partition), last_partition), min(max(last, first_partition), last_partition)
    return {RANGE_START_TAG: first.isoformat(), RANGE_END_TAG: last.isoformat()}
