"""Every dbt model, seed and test as Dagster assets and asset checks.

Four multi-assets, because a selection mixing partitioned and unpartitioned dbt models fails and
the Python statistics sit in the middle of the dbt graph: `warehouse_dbt_models` (staging and
intermediate models), `event_dbt_models` (fct_events, fct_sessions; daily partitions, a backfill
is one run), `engagement_dbt_marts` (what reads them), `statistics_dbt_marts` (what reads the
Python statistics, dbt source `statistics`).
"""


import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, FreshnessPolicy
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets, get_asset_key_for_model

from engagement_warehouse.landing.preflight import staging_needs_full_refresh
from orchestration.partitions import MICRO_BATCH_TAG, event_days, partition_window_environment, run_partition_window
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource, dbt_project

UNIT_TESTS_EXCLUDED = ("--exclude-resource-type", "unit_test")


def dbt_build_args(warehouse: WarehouseResource) -> list[str]:
    """`dbt build` arguments: --full-refresh when the preflight found a staged load file rewritten or removed
    (staging re-reads the landing folder, and every incremental model after it); the injected-fault check
    only where the generator left its manifest. Without unit tests: they check the models' logic on fixed
    inputs, not the data, so they run where code changes (`make test`, a plain `dbt build`), not in each refresh."""
    settings = warehouse.settings()
    with settings.connect() as con:
        full_refresh = staging_needs_full_refresh(con)
    vars_ = {} if (settings.landing_dir / "_generator" / "injected_faults.parquet").exists() else {"verify_injected_faults": False}
    return ["build", *UNIT_TESTS_EXCLUDED, *(["--full-refresh"] if full_refresh else []),
            *(["--vars", json.dumps(vars_)] if vars_ else [])]


@contextmanager
def environment(variables: dict[str, str | None]):
    """os.environ with `variables` set (None: unset) for the block; dagster-dbt hands os.environ to dbt."""
    saved = {name: os.environ.get(name) for name in variables}
    _set_environment(variables)
    try:
        yield
    finally:
        _set_environment(saved)


def _set_environment(variables: dict[str, str | None]) -> None:
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def run_dbt_build(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
                  reads_statistics: bool = False):
    """One dbt step of a run. The run's partition window reaches dbt as environment variables, not --vars, and
    the vars are the same in every run of a landing folder, so a step reuses the parse of the step before it,
    also of an earlier run: its partial_parse.msgpack becomes the project's (dagster-dbt copies that into each
    invocation); a full parse of this project takes about 10 s.
    A test runs in the step where everything it reads is built (dbt's `buildable` indirect selection): when a run
    selects some of a step's models (a micro-batch), dbt's default would also run a test that reads a selected model
    and a model of a later step — on the later model as the last run left it, and again in the later step.
    A step that `reads_statistics` on Spark first registers the parquet folders the statistics assets wrote as the
    tables of the dbt source `statistics` (on-run-start, macro register_statistics_tables_for_dagster)."""
    window = partition_window_environment(run_partition_window(context.run.tags))
    micro_batch = "1" if context.run.tags.get(MICRO_BATCH_TAG) else None
    with environment({**window, "EW_MICRO_BATCH": micro_batch, "DBT_INDIRECT_SELECTION": "buildable",
                      "EW_REGISTER_STATISTICS": "1" if reads_statistics else None}):
        invocation = dbt.cli(dbt_build_args(warehouse), context=context)  # the dbt process starts here
    yield from invocation.stream()
    parsed = invocation.target_path / "partial_parse.msgpack"
    if parsed.exists():
        shared = dbt_project().project_dir / dbt_project().target_path / parsed.name
        temporary = shared.with_name(f".{parsed.name}.{invocation.process.pid}")
        shutil.copyfile(parsed, temporary)
        os.replace(temporary, shared)
    remove_old_step_targets(invocation.target_path.parent, context.run.run_id, warehouse.settings().dbt_artifact_days)


# dagster-dbt's target directory for one dbt step: <op name>-<run id[:7]>-<random[:7]>.
STEP_TARGET_NAME = re.compile(r"\w+-[0-9a-f]{7}-[0-9a-f]{7}")


def remove_old_step_targets(target_dir: Path, run_id: str, keep_days: int, now: float | None = None) -> list[Path]:
    """dagster-dbt gives every dbt step a target directory of its own (manifest, run results, compiled SQL,
    dbt.log: 6-17 MB) and never removes one, so a sensor running the trigger job on every load file fills the disk
    (its three steps keep about 19 MB a run: 0.5 GB a day for hourly files). Steps of other runs last written more
    than `keep_days` days ago go; the run's own steps stay for whoever reads their run results after it.
    Returns what was removed."""
    cutoff = (time.time() if now is None else now) - keep_days * 86400
    old = [step for step in target_dir.iterdir()
           if step.is_dir() and STEP_TARGET_NAME.fullmatch(step.name) and step.name.split("-")[1] != run_id[:7]
           and step.stat().st_mtime < cutoff]
    for step in old:
        shutil.rmtree(step, ignore_errors=True)
    return old


AFTER_STATISTICS = "source:statistics+"
# The models partitioned by event day say so in their config (tag event_day_partitioned); what reads them follows.
EVENT_MODELS = "tag:event_day_partitioned"
AFTER_EVENTS = "tag:event_day_partitioned+"

# BI reads the marts: with a daily refresh they should never be more than a day and a bit old.
MART_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(hours=30), warn_window=timedelta(hours=26))


# dbt's own generic tests have no description of their own; ours (macros/tests) have one in macros/_macros.yml.
BUILTIN_TEST_TEXTS = {
    "not_null": "{column_name} is never null.",
    "unique": "{column_name} is unique: no value on two rows.",
    "accepted_values": "{column_name} is one of {values} (or null).",
    "relationships": "every {column_name} exists in {to}.{field} (nulls pass).",
}


def dbt_test_description(manifest: dict, test: dict) -> str:
    """What a dbt test checks, in words, for its Dagster asset check: its own description, else its generic test's
    (a template for dbt's built-in tests, the macro's description for ours) with its arguments, else the leading
    comment of a singular test's SQL."""
    if test.get("description"):
        return test["description"]
    metadata = test.get("test_metadata")
    if not metadata:
        comment = [line.lstrip("- ").strip() for line in test["raw_code"].splitlines() if line.startswith("--")]
        return " ".join(comment) or f"Singular dbt test {test['original_file_path']}: fails for each row it returns."
    arguments = {name: value for name, value in metadata["kwargs"].items() if name != "model"}
    if metadata["name"] in BUILTIN_TEST_TEXTS:
        return BUILTIN_TEST_TEXTS[metadata["name"]].format(**arguments)
    macro = manifest["macros"].get(f"macro.{test['package_name']}.test_{metadata['name']}", {})
    text = macro.get("description") or f"dbt test {metadata['name']}."
    arguments_text = ", ".join(f"{name}: {value}" for name, value in arguments.items())
    return f"{text} ({arguments_text})" if arguments_text else text


class WarehouseTranslator(DagsterDbtTranslator):
    """dagster-dbt defaults, grouped by layer (staging, intermediate, marts, seeds as reference), with
    a freshness policy on every mart BI tools query and a description on every asset check (dbt test)."""

    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if node is None:
            return spec
        layer = "reference" if node["resource_type"] == "seed" else node["fqn"][1]
        spec = spec.replace_attributes(group_name=layer)
        return spec.replace_attributes(freshness_policy=MART_FRESHNESS) if layer == "marts" else spec

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        return spec._replace(description=dbt_test_description(manifest, manifest["nodes"][unique_id])) if spec else spec


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), exclude=f"{AFTER_EVENTS} {AFTER_STATISTICS}",
            pool=WAREHOUSE_POOL, dagster_dbt_translator=WarehouseTranslator())
def warehouse_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    yield from run_dbt_build(context, dbt, warehouse)


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), select=EVENT_MODELS, pool=WAREHOUSE_POOL,
            partitions_def=event_days, backfill_policy=BackfillPolicy.single_run(),
            dagster_dbt_translator=WarehouseTranslator())
def event_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    yield from run_dbt_build(context, dbt, warehouse)


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), select=AFTER_EVENTS,
            exclude=f"{EVENT_MODELS} {AFTER_STATISTICS}", pool=WAREHOUSE_POOL, dagster_dbt_translator=WarehouseTranslator())
def engagement_dbt_marts(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    yield from run_dbt_build(context, dbt, warehouse)


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), select=AFTER_STATISTICS, pool=WAREHOUSE_POOL,
            dagster_dbt_translator=WarehouseTranslator())
def statistics_dbt_marts(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    yield from run_dbt_build(context, dbt, warehouse, reads_statistics=True)


def dbt_asset_key(name: str) -> AssetKey:
    """The asset key of dbt model or seed `name` as the translator makes it: the Python assets that read dbt's
    tables depend on them through this, so a change of key scheme cannot leave them pointing at nothing."""
    return get_asset_key_for_model([warehouse_dbt_models], name)
