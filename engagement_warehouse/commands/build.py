"""`make build`: build and publish whatever is in EW_LANDING_DIR (your own files), through the same Dagster
graph as the UI's `refresh_warehouse` job. Never writes into the landing folder.

    python -m engagement_warehouse.commands.build        # preflight report, dbt build + statistics + exports, publish, summary
"""

import fcntl
import os
import sys
import time
import warnings
from contextlib import contextmanager

import duckdb
from dagster import materialize

from engagement_warehouse.landing.preflight import LandingError, check_landing, require_readable_files
from engagement_warehouse.landing.spark import see_spark_staging
from engagement_warehouse.settings import SettingsError, WarehouseSettings
from orchestration.resources import start_parse_if_stale, wait_for_parse


class BuildLockedError(RuntimeError):
    """Another build (or demo) holds the warehouse of this data folder."""


@contextmanager
def build_lock(settings: WarehouseSettings):
    """One build per warehouse file: a second `make build`/`make demo` on the same folder stops with a message
    instead of failing deep inside DuckDB on its file lock (or deleting files under the first)."""
    settings.ensure_dirs()
    path = settings.warehouse_path.with_name(settings.warehouse_path.name + ".build-lock")
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise BuildLockedError(
                f"another build is running on {settings.warehouse_path} ({handle.read().strip() or 'unknown process'}); "
                "wait for it to finish, or set EW_DATA_DIR to another folder.") from None
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def preflight_report(settings: WarehouseSettings) -> str:
    """The preflight's report on the landing folder (the run repeats it in the warehouse), against what the last
    build staged: the warehouse file opened read-only (the build lock keeps writers out), on Spark its staging
    tables; in memory before a first build, when every file is new. Raises LandingError when no file can be
    read or an erasure-request file cannot (require_readable_files)."""
    if settings.engine == "spark":
        with duckdb.connect() as con:
            report = check_landing(settings.landing_dir, con, see_spark_staging(con, settings.spark_dir))
    else:
        with _warehouse_or_memory(settings) as con:
            report = check_landing(settings.landing_dir, con)
    return require_readable_files(report, settings.landing_dir).text()


def _warehouse_or_memory(settings: WarehouseSettings) -> duckdb.DuckDBPyConnection:
    """The warehouse read-only; an empty database when there is none yet or another process (a run the Dagster
    daemon started) writes it."""
    if settings.warehouse_path.exists():
        try:
            return duckdb.connect(str(settings.warehouse_path), read_only=True)
        except duckdb.IOException:
            pass
    return duckdb.connect()


def materialise_everything(settings: WarehouseSettings) -> bool:
    """Every asset, every landed event day as one run, recorded in the Dagster instance `make dagster` opens;
    True when the run succeeded."""
    from orchestration.definitions import defs
    from orchestration.instance import LAUNCHED_BY_BUILD, build_instance, record_first_event_day
    from orchestration.partitions import landed_event_dates, landing_range_tags

    dates = landed_event_dates()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        tags = landing_range_tags(dates)
    for warning in caught:
        print(f"warning: {warning.message}", flush=True)
    if dates:
        record_first_event_day(settings, dates[0])
    with build_instance(settings) as instance:
        return materialize(list(defs.assets), resources=defs.resources, instance=instance,
                           tags={**tags, **LAUNCHED_BY_BUILD}, raise_on_error=False).success


def build_and_summarise(settings: WarehouseSettings, started: float) -> int:
    """Steps 2 and 3 of `make build` and `make demo`: the whole graph, then the summary; the exit code."""
    from engagement_warehouse.commands.summary import summary

    print("2/3 dbt build, statistics, audience exports and publish through Dagster", flush=True)
    if not materialise_everything(settings):
        print("error: the Dagster run failed; the log above names the failing step, model or test.", file=sys.stderr)
        return 1
    print(f"3/3 done in {time.perf_counter() - started:.0f} s")
    print(summary(settings))
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        settings = WarehouseSettings.from_env()
        with build_lock(settings):
            started = time.perf_counter()
            parse = start_parse_if_stale()  # dbt parses the project on the other core during the preflight
            print(f"1/3 preflight of {settings.landing_dir}", flush=True)
            print(preflight_report(settings), flush=True)
            wait_for_parse(parse)
            return build_and_summarise(settings, started)
    except (SettingsError, BuildLockedError, LandingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
