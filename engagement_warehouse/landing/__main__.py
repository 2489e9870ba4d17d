"""`python -m engagement_warehouse.landing`: check the landing folder and make the views dbt reads.

Run it before a plain `dbt build` (Dagster and `make build` run it themselves). With EW_ENGINE=spark it also writes
the landing tables as parquet for Spark (engagement_warehouse.landing.spark). `--contract-markdown` prints the
README's column tables.
"""

import argparse
import sys

from engagement_warehouse.landing.contract import contract_markdown
from engagement_warehouse.landing.preflight import EmptyLandingError, run_preflight
from engagement_warehouse.landing.spark import write_spark_landing
from engagement_warehouse.settings import SettingsError, WarehouseSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contract-markdown", action="store_true", help="print the landing contract as markdown tables")
    args = parser.parse_args(argv)
    if args.contract_markdown:
        print(contract_markdown())
        return 0
    try:
        settings = WarehouseSettings.from_env()
        with settings.connect() as con:
            report = run_preflight(settings.landing_dir, con)
            if settings.engine == "spark":
                write_spark_landing(con, settings.spark_dir)
    except (SettingsError, EmptyLandingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report.text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
