"""Publishing: BI tools read a copy that holds only what they may read, never the file dbt is writing.

The copy holds the consumer schemas (marts, semantic, reference) as tables, nothing of staging,
intermediate, statistics inputs or the landing views (PII stays in the working warehouse, SPEC §4).
Each table and column carries its dbt description as a DuckDB comment, and 128-bit integers (DuckDB's
type for sums of BIGINT) are stored as BIGINT, which every ODBC/JDBC driver maps. The copy is written to a
temporary file beside the target and renamed over it atomically: readers keep the file they opened, and a
failed publish leaves the last copy untouched.
"""

import json
import os
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration.dbt_assets import MART_FRESHNESS, engagement_dbt_marts, event_dbt_models, statistics_dbt_marts, warehouse_dbt_models
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource, dbt_project
from orchestration.stats_assets import statistics_assets

CONSUMER_SCHEMAS = ("marts", "semantic", "reference")
WIDE_INTEGERS = ("HUGEINT", "UHUGEINT")

# {(schema, relation): (description, {column: description})}
Descriptions = dict[tuple[str, str], tuple[str, dict[str, str]]]


def manifest_descriptions(manifest_path: Path) -> Descriptions:
    """Model and seed descriptions from dbt's manifest (doc blocks already rendered)."""
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    return {(node["schema"], node["alias"]): (node.get("description", ""),
                                              {name: column.get("description", "") for name, column in node["columns"].items()})
            for node in nodes if node["resource_type"] in ("model", "seed")}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def publish_copy(build_path: Path, published_path: Path, descriptions: Descriptions | None = None,
                 schemas: tuple[str, ...] = CONSUMER_SCHEMAS, duckdb_config: dict | None = None) -> dict[str, int]:
    """Write the consumer schemas of the build warehouse to a new file and rename it over `published_path`.

    `duckdb_config` (memory_limit, threads, temp_directory) bounds the copy like the build.
    Returns the published file's size in bytes and the number of tables.
    """
    descriptions = descriptions or {}
    published_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = published_path.with_name(f".{published_path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        config = {"storage_compatibility_version": "v1.4.0", "preserve_insertion_order": False, **(duckdb_config or {})}
        with duckdb.connect(str(temporary), config=config) as con:
            con.execute(f"attach {_text(str(build_path))} as build (read_only)")
            relations = con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'build' and schema_name in "
                f"({', '.join(_text(s) for s in schemas)}) union select schema_name, view_name from duckdb_views() "
                f"where database_name = 'build' and schema_name in ({', '.join(_text(s) for s in schemas)}) order by all"
            ).fetchall()
            for schema, name in relations:
                columns = con.execute("select column_name, data_type from duckdb_columns() where database_name = 'build' "
                                      "and schema_name = ? and table_name = ? order by column_index", [schema, name]).fetchall()
                projection = ", ".join(f"cast({_quoted(c)} as bigint) as {_quoted(c)}" if t in WIDE_INTEGERS else _quoted(c)
                                       for c, t in columns)
                target = f"{_quoted(schema)}.{_quoted(name)}"
                con.execute(f"create schema if not exists {_quoted(schema)}")
                con.execute(f"create table {target} as select {projection} from build.{target}")
                table_text, column_texts = descriptions.get((schema, name), ("", {}))
                if table_text:
                    con.execute(f"comment on table {target} is {_text(table_text)}")
                for column, _ in columns:
                    if column_texts.get(column):
                        con.execute(f"comment on column {target}.{_quoted(column)} is {_text(column_texts[column])}")
            con.execute("detach build")
            con.execute("checkpoint")
        os.replace(temporary, published_path)
    finally:
        temporary.unlink(missing_ok=True)
    return {"size_bytes": published_path.stat().st_size, "tables": len(relations)}


@asset(pool=WAREHOUSE_POOL, deps=[warehouse_dbt_models, event_dbt_models, engagement_dbt_marts, *statistics_assets, statistics_dbt_marts],
       group_name="serving",
       description="Read-only copy for BI tools: the marts, semantic and reference schemas as tables, with dbt descriptions as comments.",
       freshness_policy=MART_FRESHNESS)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    settings = warehouse.settings()
    published = publish_copy(settings.warehouse_path, settings.published_path, manifest_descriptions(dbt_project().manifest_path),
                             duckdb_config={"memory_limit": settings.memory_limit, "threads": settings.threads,
                                            "temp_directory": str(settings.duckdb_temp_dir)})
    context.log.info(f"published {published['tables']} tables to {settings.published_path} ({published['size_bytes'] / 1e6:.1f} MB)")
    return MaterializeResult(metadata={"path": str(settings.published_path), **published})
