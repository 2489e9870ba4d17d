"""Daily partitions of the event models (fct_events, fct_sessions), by event date (UTC)."""

import json
import os
import re

from dagster import DailyPartitionsDefinition

from engagement_warehouse.settings import WarehouseSettings

# First partition; set EW_PARTITIONS_START (YYYY-MM-DD) to your oldest events.
event_days = DailyPartitionsDefinition(start_date=os.environ.get("EW_PARTITIONS_START", "2026-01-01"), end_offset=1)

RANGE_START_TAG, RANGE_END_TAG = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def dbt_partition_vars(start: str, end: str) -> str:
    """--vars for dbt: reprocess event dates from `start` (minus the lookback) up to, not including, `end`."""
    return json.dumps({"event_date_from": start, "event_date_to": end})


def landing_days() -> list[str]:
    """Dates of the daily load files in the events landing folder, oldest first."""
    folder = WarehouseSettings.from_env().landing_dir / "events"
    return sorted(f.stem for f in folder.glob("*.parquet") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.stem))


def whole_landing_tags() -> dict[str, str]:
    """Run tags that materialise every landed day as one run (the demo, tests, first loads)."""
    days = landing_days()
    if not days:
        raise ValueError(f"no daily event loads under {WarehouseSettings.from_env().landing_dir / 'events'}; "
                         "generate demo data with `make data` or set EW_LANDING_DIR")
    return {RANGE_START_TAG: days[0], RANGE_END_TAG: days[-1]}
