"""The single Dagster entry point: `dagster dev -m orchestration.definitions`."""

from dagster import Definitions, define_asset_job, in_process_executor

from orchestration.audience_exports import audience_exports
from orchestration.dbt_assets import statistics_dbt_marts, warehouse_dbt_models
from orchestration.publish import published_warehouse
from orchestration.resources import WarehouseResource, dbt_resource
from orchestration.stats_assets import statistics_assets

refresh_warehouse = define_asset_job("refresh_warehouse", selection="*")

defs = Definitions(
    assets=[warehouse_dbt_models, *statistics_assets, statistics_dbt_marts, audience_exports, published_warehouse],
    jobs=[refresh_warehouse],
    resources={"dbt": dbt_resource(), "warehouse": WarehouseResource()},
    # DuckDB allows one writer: steps run one after another in a single process.
    executor=in_process_executor,
)
