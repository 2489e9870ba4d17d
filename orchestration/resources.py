"""The dbt project and resources. Paths come from engagement_warehouse.settings (EW_* env vars)."""

from __future__ import annotations

import os
import shutil
from functools import cache

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject

from engagement_warehouse.settings import DBT_EXECUTABLE, PROJECT_ROOT, WarehouseSettings

# Everything that opens the warehouse file shares this pool; orchestration/dagster.yaml limits it to 1.
WAREHOUSE_POOL = "duckdb_warehouse"

DBT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")


def _newest_dbt_source_mtime() -> float:
    newest = 0.0
    for name in DBT_SOURCES:
        path = PROJECT_ROOT / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


@cache
def dbt_project() -> DbtProject:
    if shutil.which("dbt") is None and DBT_EXECUTABLE.exists():
        # dagster-dbt's manifest preparation looks for `dbt` on PATH.
        os.environ["PATH"] = f"{DBT_EXECUTABLE.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)
    project.prepare_if_dev()
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_dbt_source_mtime():
        # Outside `dagster dev` (a fresh clone, the demo, tests): parse when the manifest is
        # missing or older than the dbt project, so the asset graph matches the models on disk.
        project.preparer.prepare(project)
    return project


class WarehouseResource(ConfigurableResource):
    """Where the build warehouse, the published copy and the landing files live (read at run time)."""

    def settings(self) -> WarehouseSettings:
        return WarehouseSettings.from_env()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(PROJECT_ROOT),
        dbt_executable=str(DBT_EXECUTABLE) if DBT_EXECUTABLE.exists() else (shutil.which("dbt") or "dbt"),
    )
