"""The single Dagster entry point: `dagster dev -m orchestration.definitions`."""

from dagster import Definitions, define_asset_job

from orchestration.dbt_assets import warehouse_dbt_models
from orchestration.publish import published_warehouse
from orchestration.resources import WarehouseResource, dbt_resource

refresh_warehouse = define_asset_job("refresh_warehouse", selection="*")

defs = Definitions(
    assets=[warehouse_dbt_models, published_warehouse],
    jobs=[refresh_warehouse],
    resources={"dbt": dbt_resource(), "warehouse": WarehouseResource()},
)
