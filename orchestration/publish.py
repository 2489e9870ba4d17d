"""Publishing: BI tools read a consistent copy of the warehouse, never the file dbt is writing."""


import os
import shutil
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration.dbt_assets import MART_FRESHNESS, engagement_dbt_marts, event_dbt_models, statistics_dbt_marts, warehouse_dbt_models
from orchestration.stats_assets import statistics_assets
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource


def publish_copy(build_path: Path, published_path: Path) -> int:
    """CHECKPOINT the build file, copy it beside the target, then atomically rename over the target.

    Readers holding the old published file keep reading it; a failed copy leaves it untouched.
    Returns the published file size in bytes.
    """
    with duckdb.connect(str(build_path)) as con:
        con.execute("checkpoint")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = published_path.with_name(f".{published_path.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(build_path, temporary)
        os.replace(temporary, published_path)
    finally:
        temporary.unlink(missing_ok=True)
    return published_path.stat().st_size


@asset(pool=WAREHOUSE_POOL, deps=[warehouse_dbt_models, event_dbt_models, engagement_dbt_marts, *statistics_assets, statistics_dbt_marts],
       group_name="serving",
       description="Read-only copy of the warehouse for BI tools.", freshness_policy=MART_FRESHNESS)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    settings = warehouse.settings()
    size = publish_copy(settings.warehouse_path, settings.published_path)
    context.log.info(f"published {settings.published_path} ({size / 1e6:.1f} MB)")
    return MaterializeResult(metadata={"path": str(settings.published_path), "size_bytes": size})
