"""Audience exports: each activation audience as a parquet file plus a manifest a messaging tool picks up."""

import json
import os
from datetime import UTC, datetime

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from engagement_warehouse.settings import AUDIENCES
from engagement_warehouse.spark_tables import duckdb_file_of_build
from orchestration.publish import CONSUMER_BRIDGE
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource, dbt_project


def _rules() -> dict[str, str]:
    """Each audience's documented trigger rule: its model description in the dbt manifest."""
    nodes = json.loads(dbt_project().manifest_path.read_text())["nodes"].values()
    return {node["name"]: " ".join(node["description"].split()) for node in nodes if node["name"] in AUDIENCES}


@asset(pool=WAREHOUSE_POOL, deps=[AssetKey(name) for name in AUDIENCES], group_name="activation",
       description="Writes every audience to <EW_EXPORT_DIR>/<audience>.parquet with a <audience>.manifest.json.")
def audience_exports(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    settings = warehouse.settings()
    settings.export_dir.mkdir(parents=True, exist_ok=True)
    rules, generated_at, sizes = _rules(), datetime.now(UTC).isoformat(timespec="seconds"), {}
    with duckdb.connect(str(duckdb_file_of_build(settings, CONSUMER_BRIDGE, ("marts",))), read_only=True) as con:
        for audience in AUDIENCES:
            target = settings.export_dir / f"{audience}.parquet"
            temporary = target.with_name(f".{target.name}.tmp")
            con.execute(f"copy (select * from marts.{audience} order by customer_key) to '{temporary}' (format parquet)")
            channels = dict(con.execute(f"select channel, count(*) from marts.{audience} group by channel order by channel").fetchall())
            sizes[audience] = sum(channels.values())
            manifest = {"audience": audience, "rule": rules.get(audience, ""), "rows": sizes[audience],
                        "rows_by_channel": channels, "generated_at": generated_at, "file": target.name}
            # Data first, manifest last: a tool that sees the manifest finds the matching file.
            os.replace(temporary, target)
            manifest_path = target.with_name(f"{audience}.manifest.json")
            temporary_manifest = manifest_path.with_name(f".{manifest_path.name}.tmp")
            temporary_manifest.write_text(json.dumps(manifest, indent=2))
            os.replace(temporary_manifest, manifest_path)
    context.log.info(f"exported {len(AUDIENCES)} audiences to {settings.export_dir}")
    return MaterializeResult(metadata={"export_dir": str(settings.export_dir), **sizes})
