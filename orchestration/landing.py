"""Raw landing tables as observable source assets: each observation reports the load files and rows."""

import hashlib

import pyarrow.parquet as pq
from dagster import AssetKey, DataVersion, ObserveResult, observable_source_asset

from engagement_warehouse.settings import LANDING_TABLES, WarehouseSettings

# The dbt source each landing folder belongs to, so these keys are the dbt assets' upstreams.
SOURCE_OF_TABLE = {"events": "app", "customers": "app", "subscriptions": "billing", "orders": "billing",
                   "survey_responses": "feedback", "reviews": "feedback", "marketing_spend": "marketing",
                   "messages": "marketing", "erasure_requests": "privacy"}


def _landing_source(table: str):
    @observable_source_asset(key=AssetKey([SOURCE_OF_TABLE[table], table]), group_name="landing",
                             description=f"Load files under <EW_LANDING_DIR>/{table}/ (one parquet file per daily load).")
    def landing_table() -> ObserveResult:
        files = sorted(WarehouseSettings.from_env().landing_dir.joinpath(table).glob("*.parquet"))
        stats = [f.stat() for f in files]
        fingerprint = hashlib.sha256("".join(f"{f.name}:{st.st_size}:{st.st_mtime_ns};" for f, st in zip(files, stats)).encode())
        rows = sum(pq.read_metadata(f).num_rows for f in files)
        return ObserveResult(data_version=DataVersion(fingerprint.hexdigest()[:16]),
                             metadata={"files": len(files), "rows": rows, "latest_file": files[-1].name if files else ""})

    return landing_table


landing_sources = [_landing_source(table) for table in LANDING_TABLES]
