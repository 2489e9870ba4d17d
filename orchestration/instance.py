"""The Dagster instance that `make build`, `make demo` and `make dagster` share: $DAGSTER_HOME, by default
$EW_DATA_DIR/dagster_home. The UI then shows what the last build materialised, with its check results and
metadata, and its event partitions start on the first day of the events that build landed.

    python -m orchestration.instance     # prepares the folder and prints it (make dagster)
"""

import json
from datetime import date
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings

# Runs that `make build` and `make demo` start carry this tag.
LAUNCHED_BY_BUILD = {"engagement_warehouse/launched_by": "make build"}
FIRST_EVENT_DAY = "first_event_day"


def prepare_dagster_home(settings: WarehouseSettings) -> Path:
    """$DAGSTER_HOME/dagster.yaml: orchestration/dagster.yaml, with the event log where Dagster keeps it by default
    (history/runs, an absolute path the file cannot spell relative to the home) written by
    orchestration.event_log_storage, which keeps a connection per database instead of one per event."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    event_log_storage = (f"event_log_storage:\n  module: orchestration.event_log_storage\n"
                         f"  class: PooledSqliteEventLogStorage\n"
                         f"  config:\n    base_dir: {json.dumps(str(home / 'history' / 'runs'))}\n")
    config = (PROJECT_ROOT / "orchestration" / "dagster.yaml").read_text()
    (home / "dagster.yaml").write_text(f"{config}{event_log_storage}")
    return home


def build_instance(settings: WarehouseSettings) -> DagsterInstance:
    """The shared instance for a build. A build holds the build lock, so a run an earlier build left started was
    interrupted: it is marked failed and its pool slot freed (the new run would wait for it forever)."""
    instance = DagsterInstance.from_config(str(prepare_dagster_home(settings)))
    interrupted = RunsFilter(statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED], tags=LAUNCHED_BY_BUILD)
    for run in instance.get_runs(interrupted):
        instance.report_run_failed(run, "the build that started this run was interrupted")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return instance


def record_first_event_day(settings: WarehouseSettings, day: date) -> None:
    """Where the daily partitions start from now on (unless EW_PARTITIONS_START says otherwise)."""
    prepare_dagster_home(settings).joinpath(FIRST_EVENT_DAY).write_text(day.isoformat())


def recorded_first_event_day(settings: WarehouseSettings) -> str | None:
    path = settings.dagster_home / FIRST_EVENT_DAY
    return path.read_text().strip() if path.exists() else None


if __name__ == "__main__":
    print(prepare_dagster_home(WarehouseSettings.from_env()))
