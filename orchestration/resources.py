"""The dbt project and resources. Paths come from engagement_warehouse.settings (EW_* env vars)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from functools import cache, cached_property

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject
from dbt.version import __version__ as dbt_core_version
from packaging import version

from engagement_warehouse.settings import DBT_EXECUTABLE, PROJECT_ROOT, WarehouseSettings, dbt_command

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


def _project() -> DbtProject:
    return DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)


def start_parse_if_stale() -> subprocess.Popen | None:
    """`dbt parse` started when the manifest is missing or older than a dbt source file, so the asset graph matches
    the models on disk; None when the manifest is up to date. The dbt beside this interpreter parses: a venv need
    not be on PATH. `make demo` and `make build` start it first, beside the data generation or the preflight (a
    parse takes about 8 s), and wait for it before the asset graph loads."""
    manifest = _project().manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_dbt_source_mtime():
        return None
    return subprocess.Popen(dbt_command("parse", "--quiet", target_path=manifest.parent))


def wait_for_parse(parse: subprocess.Popen | None) -> None:
    if parse is not None and parse.wait() != 0:
        raise subprocess.CalledProcessError(parse.returncode, parse.args)


@cache
def dbt_project() -> DbtProject:
    """The dbt project, its manifest up to date (start_parse_if_stale) — under `dagster dev` (instead of dagster-dbt's
    `prepare_if_dev`, which needs `dbt` on PATH) and outside it (a fresh clone, the demo, tests)."""
    wait_for_parse(start_parse_if_stale())
    return _project()


class WarehouseResource(ConfigurableResource):
    """Where the build warehouse, the published copy and the landing files live (read at run time)."""

    def settings(self) -> WarehouseSettings:
        return WarehouseSettings.from_env()


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs of the first dbt step of every run (about 7 s of a
    micro-batch): it asks the dbt executable for its version (`dbt --version`, 4.3 s) although the dbt-core installed
    beside Dagster is that executable's (requirements.lock), and it loads dbt's adapter and macros in-process (2.7 s)
    for `fetch_column_metadata` and `fetch_row_counts`, which no asset here calls."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(dbt_core_version)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCli(
        project_dir=dbt_project(),
        profiles_dir=str(PROJECT_ROOT),
        dbt_executable=str(DBT_EXECUTABLE) if DBT_EXECUTABLE.exists() else (shutil.which("dbt") or "dbt"),
    )
