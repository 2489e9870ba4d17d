"""`make publish`: the copy BI tools read, from a warehouse built with plain dbt (DuckDB, or Spark with EW_ENGINE=spark).

The same copy, and the same rules, as the Dagster graph's `published_warehouse` asset (orchestration/publish.py): only
the consumer schemas (marts, semantic, reference) as tables with their dbt descriptions, written beside the target and
renamed over it, at EW_PUBLISHED_PATH. On Spark the copy is read from Spark's tables through a DuckDB file of views over
their parquet folders ($EW_SPARK_DIR/publish_bridge.duckdb): BI tools get one DuckDB file on both engines, and never
Spark's warehouse folder, which also holds staging.
"""

import sys

from engagement_warehouse.settings import SettingsError, WarehouseSettings
from engagement_warehouse.spark_tables import build_exists


def main() -> int:
    from orchestration.publish import publish_build

    try:
        settings = WarehouseSettings.from_env()
        build_exists(settings)
    except (SettingsError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    published = publish_build(settings)
    print(f"published {published['tables']} tables to {settings.published_path} ({published['size_bytes'] / 1e6:.1f} MB, "
          f"{published['mode']} copy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
