"""The single Dagster entry point: `dagster dev -m orchestration.definitions`."""

from dagster import Definitions, in_process_executor

from orchestration.audience_exports import audience_exports
from orchestration.automation import daily_refresh, new_landing_files, refresh_event_triggers, refresh_warehouse
from orchestration.dbt_assets import engagement_dbt_marts, event_dbt_models, statistics_dbt_marts, warehouse_dbt_models
from orchestration.feedback_assets import feedback_assets
from orchestration.landing import landing_preflight
from orchestration.publish import published_warehouse
from orchestration.resources import WarehouseResource, dbt_resource
from orchestration.stats_assets import statistics_assets

defs = Definitions(
    assets=[landing_preflight, warehouse_dbt_models, event_dbt_models, engagement_dbt_marts, *statistics_assets, *feedback_assets,
            statistics_dbt_marts, audience_exports, published_warehouse],
    jobs=[refresh_warehouse, refresh_event_triggers],
    schedules=[daily_refresh],
    sensors=[new_landing_files],
    resources={"dbt": dbt_resource(), "warehouse": WarehouseResource()},
    # DuckDB allows one writer: steps run one after another in a single process; across runs the
    # `duckdb_warehouse` pool (limit 1, orchestration/dagster.yaml) queues them.
    executor=in_process_executor,
)
