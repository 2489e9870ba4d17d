"""The landing folder as the graph's first step: the preflight checks every file and makes the views dbt reads.

One asset per landing table (the keys of the dbt sources, so every staging model depends on its table) plus
the preflight's two ledgers; all are made in one step. Files that break the contract are set aside and
reported, never fatal; only a landing folder with no readable file at all stops the run.
"""

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Failure, MaterializeResult, multi_asset

from engagement_warehouse.landing.contract import LANDING_SCHEMA, landing_contract
from engagement_warehouse.landing.preflight import LandingError
from engagement_warehouse.landing.spark import preflight_for_engine
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource

LEDGERS = {"load_files": "Every file under a table folder, read or set aside with its reason.",
           "preflight_findings": "Every problem the preflight found, with file, column and fix."}


def _specs() -> list[AssetSpec]:
    specs = [AssetSpec(AssetKey([table.source, table.name]), group_name="landing",
                       description=f"Load files under <EW_LANDING_DIR>/{table.name}/ (parquet or CSV) that passed the "
                                   f"preflight, as the view {LANDING_SCHEMA}.{table.name}. {table.description}")
             for table in landing_contract().values()]
    return specs + [AssetSpec(AssetKey([LANDING_SCHEMA, name]), group_name="landing", description=text)
                    for name, text in LEDGERS.items()]


@multi_asset(specs=_specs(), pool=WAREHOUSE_POOL, name="landing_preflight",
             description="Checks every landing file against the contract (README, Your own data) and exposes what passed.")
def landing_preflight(context: AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    try:
        report = preflight_for_engine(settings)
    except LandingError as error:
        raise Failure(str(error)) from error
    context.log.info(f"preflight of {settings.landing_dir}:\n{report.text()}")
    for table in landing_contract().values():
        files = [f for f in report.files if f.table_name == table.name]
        read = [f for f in files if f.is_read]
        yield MaterializeResult(asset_key=AssetKey([table.source, table.name]), metadata={
            "files_read": len(read), "files_set_aside": sum(1 for f in files if f.reason_code),
            "rows_read": sum(f.row_count or 0 for f in read),
            "findings": "\n".join(str(f) for f in report.findings if f.table_name == table.name) or "none"})
    for name in LEDGERS:
        yield MaterializeResult(asset_key=AssetKey([LANDING_SCHEMA, name]))
