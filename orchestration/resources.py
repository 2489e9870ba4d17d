"""The dbt project and resources. Paths come from engagement_warehouse.settings (EW_* env vars)."""

from __future__ import annotations

import shutil
import sys
from functools import cache
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject

from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)
    project.prepare_if_dev()
    if not project.manifest_path.exists():
        # A fresh clone outside `dagster dev`: parse once so the asset graph can be built.
        project.preparer.prepare(project)
    return project


class WarehouseResource(ConfigurableResource):
    """Where the build warehouse, the published copy and the landing files live (read at run time)."""

    def settings(self) -> WarehouseSettings:
        return WarehouseSettings.from_env()


def dbt_resource() -> DbtCliResource:
    # The dbt installed beside this interpreter, so a venv works without being activated.
    executable = Path(sys.executable).with_name("dbt")
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(PROJECT_ROOT),
        dbt_executable=str(executable) if executable.exists() else (shutil.which("dbt") or "dbt"),
    )
