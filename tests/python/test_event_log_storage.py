"""The Dagster instance that builds and the UI share records every run, with connections kept open per database."""

import dataclasses

from dagster import AssetCheckKey, AssetCheckResult, AssetKey, DagsterInstance, asset, asset_check, materialize

from engagement_warehouse.settings import WarehouseSettings
from orchestration.event_log_storage import OPEN_DATABASES, PooledSqliteEventLogStorage
from orchestration.instance import build_instance


@asset
def rows():
    return 1


@asset_check(asset=rows)
def rows_are_counted():
    return AssetCheckResult(passed=True)


def test_every_run_is_recorded_and_read_back_by_a_new_instance(tmp_path):
    settings = dataclasses.replace(WarehouseSettings.from_env({"EW_DATA_DIR": str(tmp_path)}),
                                   dagster_home=tmp_path / "dagster_home")
    runs = OPEN_DATABASES + 3  # more run databases than stay open: the oldest are closed and written again below
    with build_instance(settings) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        run_ids = [materialize([rows, rows_are_counted], instance=instance).run_id for _ in range(runs)]
        first_run_events = len(instance.all_logs(run_ids[0]))
        instance.report_engine_event("written after its database was closed", instance.get_run_by_id(run_ids[0]))
        assert len(instance.all_logs(run_ids[0])) == first_run_events + 1

    # what the UI opens: the same files, read by another instance
    with DagsterInstance.from_config(str(settings.dagster_home)) as reopened:
        assert [run.run_id for run in reopened.get_runs()] == run_ids[::-1]
        assert all(reopened.all_logs(run_id) for run_id in run_ids)
        assert len(reopened.all_logs(run_ids[0])) == first_run_events + 1
        assert reopened.fetch_materializations(AssetKey("rows"), limit=100).records[0].run_id == run_ids[-1]
        assert len(reopened.fetch_materializations(AssetKey("rows"), limit=100).records) == runs
        history = reopened.event_log_storage.get_asset_check_execution_history(
            AssetCheckKey(AssetKey("rows"), "rows_are_counted"), limit=100)
        assert len(history) == runs and {record.status.value for record in history} == {"SUCCEEDED"}
        reopened.wipe()
        assert not reopened.all_logs(run_ids[-1])
