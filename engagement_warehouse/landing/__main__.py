"""`python -m engagement_warehouse.landing`: check the landing folder and make the views dbt reads.

Run it before a plain `dbt build` (Dagster and `make build` run it themselves). With EW_ENGINE=spark it also writes
the landing tables as parquet for Spark (engagement_warehouse.landing.spark). `--contract-markdown` prints the
README's column tables.
"""

import argparse
import sys

from engagement_warehouse.landing.contract import contract_markdown
from engagement_warehouse.landing.preflight import LandingError
from engagement_warehouse.landing.spark import preflight_for_engine
from engagement_warehouse.settings import SettingsError, WarehouseSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contract-markdown", action="store_true", help="print the landing contract as markdown tables")
    args = parser.parse_args(argv)
    if args.contract_markdown:
        print(contract_markdown())
        return 0
    try:
        report = preflight_for_engine(WarehouseSettings.from_env())
    except (SettingsError, LandingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report.text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
