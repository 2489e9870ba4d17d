"""Questions to the dbt semantic layer, compiled in process by MetricFlow and run on a DuckDB file.

MetricFlow writes the SQL of a question (metrics, group-by items, filters, a date range) from the
semantic manifest that `dbt parse` writes (target/semantic_manifest.json): the definitions `mf query`
and the metric glossary use. A reader of it (the dashboard) states no metric formula of its own.
Compiling takes ~30 ms, so no `mf` process (5–8 s each) is started.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pandas as pd
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup


class SemanticManifestMissing(FileNotFoundError):
    """dbt has not parsed the project yet, so there is no semantic manifest to compile from."""


@dataclass(frozen=True)
class Question:
    """What `mf query` takes: metrics by group-by items, narrowed by dimension values and a date range
    (inclusive; MetricFlow widens it for cumulative metrics such as WAU and MAU itself)."""
    metrics: tuple[str, ...]
    group_by: tuple[str, ...] = ()
    equals: tuple[tuple[str, str], ...] = ()  # (dimension, value) pairs, all must hold
    start: date | None = None
    end: date | None = None

    def where(self) -> list[str]:
        return [f"{{{{ Dimension('{dimension}') }}}} = {sql_literal(value)}" for dimension, value in self.equals]


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _CompileOnly:
    """The part of MetricFlow's SQL client that compiling uses: the dialect. Queries run elsewhere."""
    sql_engine_type = SqlEngine.DUCKDB
    sql_plan_renderer = DuckDbSqlPlanRenderer()

    @staticmethod
    def render_bind_parameter_key(bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"

    def close(self) -> None:
        pass


class SemanticLayer:
    def __init__(self, manifest_path: Path):
        if not manifest_path.exists():
            raise SemanticManifestMissing(f"no semantic manifest at {manifest_path}; run `make demo`, or `dbt parse` "
                                          "in the project, to write it")
        raw = manifest_path.read_text()
        self._engine = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(parse_manifest_from_dbt_generated_manifest(raw)),
            sql_client=_CompileOnly())
        document = json.loads(raw)
        # Relations are named "<database>"."<schema>"."<table>"; the database is the warehouse file's name.
        self.database = document["semantic_models"][0]["node_relation"]["database"]
        self.labels = {metric["name"]: metric.get("label") or metric["name"] for metric in document["metrics"]}

    def sql(self, question: Question) -> str:
        request = MetricFlowQueryRequest.create(
            metric_names=list(question.metrics), group_by_names=list(question.group_by) or None,
            where_constraints=question.where() or None, order_by_names=list(question.group_by) or None,
            time_constraint_start=None if question.start is None else datetime.combine(question.start, time.min),
            time_constraint_end=None if question.end is None else datetime.combine(question.end, time.min))
        return self._engine.explain(mf_request=request).sql_statement.without_descriptions.sql

    def frame(self, warehouse: Path, question: Question) -> pd.DataFrame:
        """The answer from a warehouse file (read-only), attached under the database name the manifest
        uses, so a published copy of any file name answers."""
        with duckdb.connect() as con:
            con.execute(f"attach {sql_literal(str(warehouse))} as \"{self.database}\" (read_only)")
            return con.execute(self.sql(question)).df()
