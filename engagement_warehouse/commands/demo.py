"""`make demo`: fresh demo data -> dbt build (through Dagster) -> published warehouse, then a summary.

The demo owns its landing folder: it replaces one the generator made (it holds `_generator/`) or an empty
one, and refuses to touch a folder holding anybody else's files (build those with `make build`).
"""

import argparse
import shutil
import sys
import time
from datetime import timedelta

from engagement_warehouse.commands.build import BuildLockedError, build_and_summarise, build_lock
from engagement_warehouse.generator.cli import _date as parse_date
from engagement_warehouse.generator.cli import generate
from engagement_warehouse.landing.preflight import GENERATOR_FOLDER
from engagement_warehouse.settings import SettingsError, WarehouseSettings
from orchestration.resources import start_parse_if_stale, wait_for_parse


class ForeignLandingError(RuntimeError):
    """The landing folder holds files the demo generator did not make."""


def replace_demo_landing(settings: WarehouseSettings) -> None:
    landing = settings.landing_dir
    if landing.exists() and any(landing.iterdir()) and not (landing / GENERATOR_FOLDER).is_dir():
        raise ForeignLandingError(
            f"{landing} holds files the demo did not generate; the demo will not delete them. Build them with "
            "`make build`, or run the demo elsewhere (EW_DATA_DIR=/tmp/ew-demo make demo).")
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir(parents=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole warehouse end to end on fresh demo data.")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90, help="days of the demo window (default 90)")
    parser.add_argument("--history-days", type=int, default=90,
                        help="days the business ran before the window, landed too (default 90): customers who signed up "
                             "then are active, paying and answering surveys when the window starts, so MAU does not "
                             "ramp up from zero inside it")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", type=parse_date, default=parse_date("2026-06-01"), help="first day of the window")
    args = parser.parse_args(argv)
    try:
        settings = WarehouseSettings.from_env()
        with build_lock(settings):
            started = time.perf_counter()
            parse = start_parse_if_stale()  # dbt parses the project on the other core while the data is generated
            print(f"1/3 generating demo data into {settings.landing_dir}", flush=True)
            replace_demo_landing(settings)
            generate(settings.landing_dir, args.customers, args.history_days + args.days, args.seed,
                     args.start_date - timedelta(days=args.history_days), erasure_rate=0.002,
                     progress=lambda m: print(m, flush=True))
            # Fresh data, fresh warehouse: incremental models must not keep rows of an earlier demo.
            settings.warehouse_path.unlink(missing_ok=True)
            wait_for_parse(parse)
            return build_and_summarise(settings, started)
    except (SettingsError, BuildLockedError, ForeignLandingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
