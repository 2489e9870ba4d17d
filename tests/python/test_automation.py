"""Automation and serving: the landing sensor and observations, and a published file that failed or
killed builds never touch."""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import generate_small, warehouse_env
from dagster import build_sensor_context, materialize

from engagement_warehouse.settings import PROJECT_ROOT, dbt_command
from orchestration.automation import new_landing_files, refresh_event_triggers
from orchestration.definitions import defs
from orchestration.landing import landing_preflight
from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG, whole_landing_tags


def _use(env: dict[str, str], monkeypatch) -> None:
    for name, value in env.items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)


def test_the_sensor_requests_one_run_per_new_load_file_and_never_again(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    generate_small(landing, customers=30, days=2)
    _use(warehouse_env(tmp_path, landing), monkeypatch)
    first = new_landing_files(build_sensor_context(cursor=None))
    assert first.run_key and first.tags["new_load_files"] == str(2 * 9)
    cursor = first.run_key
    assert new_landing_files(build_sensor_context(cursor=cursor)).skip_message == "no new load files"
    pq.write_table(pq.read_table(landing / "orders" / "2026-06-02.parquet"), landing / "orders" / "2026-06-03.parquet")
    third = new_landing_files(build_sensor_context(cursor=cursor))
    assert third.tags == {"new_load_files": "1", "newest_load_file": "orders/2026-06-03.parquet"}
    assert new_landing_files(build_sensor_context(cursor=third.run_key)).skip_message == "no new load files"


def test_the_landing_preflight_reports_files_and_rows_per_table(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    truth = generate_small(landing, customers=30, days=3)
    (landing / "orders" / "broken.parquet").write_bytes(b"PAR1 not really")
    _use(warehouse_env(tmp_path, landing), monkeypatch)
    result = materialize([landing_preflight], resources=defs.resources)
    reported = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert reported["app/events"]["files_read"].value == 3
    assert reported["app/events"]["rows_read"].value == truth["raw_rows"]["events"]
    assert reported["billing/orders"]["rows_read"].value == truth["raw_rows"]["orders"]
    assert reported["billing/orders"]["files_set_aside"].value == 1
    assert "orders/broken.parquet" in reported["billing/orders"]["findings"].value


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published_once(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("serving")
    generate_small(root / "landing", customers=500, days=45)  # enough repeat buyers for the CLV fits
    env = warehouse_env(root, root / "landing")
    with pytest.MonkeyPatch.context() as patch:
        _use(env, patch)
        assert materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags()).success
    return env


def test_a_killed_build_leaves_the_published_file_untouched_and_readers_unblocked(published_once):
    published = Path(published_once["EW_PUBLISHED_PATH"])
    before = _digest(published)
    reader = duckdb.connect(str(published), read_only=True)
    build = subprocess.Popen(dbt_command("build", "--full-refresh", "--exclude", "source:statistics+",
                                         target_path=published.parent.parent / "target_killed"),
                             env=published_once, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    assert build.poll() is None, "the build finished before it could be killed"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    assert reader.execute("select count(*) from marts.fct_sessions").fetchone()[0] > 0
    reader.close()
    assert _digest(published) == before
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_customers").fetchone()[0] > 0


def test_a_reader_holding_the_published_file_does_not_block_a_build(published_once, monkeypatch):
    published = Path(published_once["EW_PUBLISHED_PATH"])
    _use(published_once, monkeypatch)
    with duckdb.connect(str(published), read_only=True) as reader:
        before = reader.execute("select count(*) from marts.fct_sessions").fetchone()[0]
        assert materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags()).success
        assert reader.execute("select count(*) from marts.fct_sessions").fetchone()[0] == before
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.fct_sessions").fetchone()[0] == before


def test_a_failed_check_stops_publishing_and_says_which(published_once, monkeypatch):
    published = Path(published_once["EW_PUBLISHED_PATH"])
    before = _digest(published)
    manifest = Path(published_once["EW_LANDING_DIR"]) / "_generator" / "injected_faults.parquet"
    faults = pq.read_table(manifest)
    inflated = pa.compute.add(faults["injected_rows"], 1)
    pq.write_table(faults.set_column(faults.schema.get_field_index("injected_rows"), "injected_rows", inflated), manifest)
    _use(published_once, monkeypatch)
    result = materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags(), raise_on_error=False)
    assert not result.success
    failed_checks = [e.asset_check_evaluation_data.check_name for e in result.all_events
                     if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed]
    assert any(name.startswith("matches_injected_faults") for name in failed_checks), failed_checks
    assert "published_warehouse" not in {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert _digest(published) == before


def test_an_empty_landing_folder_fails_with_what_to_do(tmp_path, monkeypatch):
    (tmp_path / "landing").mkdir()
    _use(warehouse_env(tmp_path, tmp_path / "landing"), monkeypatch)
    result = materialize([landing_preflight], resources=defs.resources, raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = str(failure.step_failure_data.error)
    assert "no readable load file" in message and "make data" in message and "EW_LANDING_DIR" in message


def test_a_new_load_file_refreshes_the_event_triggered_audience_without_the_daily_refresh(tmp_path, monkeypatch):
    """A trial customer in audience_trial_without_key_action uses a feature in their first days; the event arrives late,
    in a load file of its own. The micro-batch the landing sensor starts takes them out of the exported audience."""
    landing = tmp_path / "landing"
    generate_small(landing, customers=400, days=21, fault_rate=0.0)
    _use(warehouse_env(tmp_path, landing), monkeypatch)
    assert materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags()).success
    export = tmp_path / "exports" / "audience_trial_without_key_action.parquet"
    with duckdb.connect(os.environ["EW_WAREHOUSE_PATH"], read_only=True) as con:
        customer_id, trial_started_at, anonymous_id = con.execute(
            "select customers.customer_id, audience.trial_started_at, "
            "  (select min(anonymous_id) from staging.stg_app__events where customer_key = audience.customer_key) "
            f"from read_parquet('{export}') as audience "
            "inner join staging.stg_app__customers as customers on audience.customer_key = customers.customer_key "
            "order by audience.customer_key limit 1").fetchone()
    day = sorted(path.stem for path in (landing / "events").glob("*.parquet"))[-1]
    template = landing / "events" / f"{day}.parquet"
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        # A customer who signs up after the last daily refresh, with an event in the same micro-batch.
        con.execute(f"copy (select * replace ('late-signup-customer' as customer_id, 'late.signup@example.com' as email) "
                    f"from read_parquet('{landing / 'customers' / f'{day}.parquet'}') limit 1) "
                    f"to '{landing / 'customers' / 'late-signup.parquet'}'")
        con.execute(f"copy (select * replace ('late-signup-event' as event_id, 'late-signup-device' as anonymous_id, "
                    "'late-signup-customer' as customer_id) "
                    f"from read_parquet('{template}') limit 1) to '{landing / 'events' / 'late-signup.parquet'}'")
        con.execute(f"copy (select * replace ('late-key-action-1' as event_id, ? as anonymous_id, ? as customer_id, "
                    "'feature_used' as event_type, strftime(?::timestamptz + interval 1 hour, '%Y-%m-%dT%H:%M:%SZ') as client_timestamp, "
                    f"(select max(received_at) from read_parquet('{template}')) as received_at, null as properties) "
                    f"from read_parquet('{template}') limit 1) to '{landing / 'events' / 'late-key-action.parquet'}'",
                    [anonymous_id, customer_id, trial_started_at])
    run = new_landing_files(build_sensor_context(cursor=f"{template.stat().st_mtime_ns}|events/{day}.parquet"))
    assert run.tags["newest_load_file"] == "events/late-key-action.parquet"
    result = materialize(list(defs.assets), selection=refresh_event_triggers.selection, partition_key=run.partition_key,
                         tags=refresh_event_triggers.tags, resources=defs.resources)
    assert result.success
    materialised = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"fct_events", "audience_trial_without_key_action", "audience_exports"} <= materialised
    assert "fct_sessions" not in materialised and "dim_customers" not in materialised
    with duckdb.connect() as con:
        assert con.execute(f"select count(*) from read_parquet('{export}') "
                           f"where customer_key = (select customer_key from read_parquet('{export}') order by customer_key limit 1)"
                           ).fetchone()[0] == 1  # the export is readable
    with duckdb.connect(os.environ["EW_WAREHOUSE_PATH"], read_only=True) as con:
        still_in = con.execute("select count(*) from marts.audience_trial_without_key_action as audience "
                               "inner join staging.stg_app__customers as customers on audience.customer_key = customers.customer_key "
                               "where customers.customer_id = ?", [customer_id]).fetchone()[0]
        exported = con.execute(f"select count(*) from read_parquet('{export}') as audience "
                               "inner join staging.stg_app__customers as customers on audience.customer_key = customers.customer_key "
                               "where customers.customer_id = ?", [customer_id]).fetchone()[0]
    assert still_in == 0 and exported == 0
    # The micro-batch checked the new events against the customers the last daily refresh staged: the new customer's
    # event waits as an orphan, and the daily refresh releases it.
    late_signup_event = "select row_disposition, reason_code from staging.base_app__events where event_id = 'late-signup-event'"
    with duckdb.connect(os.environ["EW_WAREHOUSE_PATH"], read_only=True) as con:
        assert con.execute(late_signup_event).fetchall() == [("quarantined", "orphan_customer")]
    assert materialize(list(defs.assets), resources=defs.resources, tags={RANGE_START_TAG: run.partition_key,
                                                                             RANGE_END_TAG: run.partition_key}).success
    with duckdb.connect(os.environ["EW_WAREHOUSE_PATH"], read_only=True) as con:
        assert con.execute(late_signup_event).fetchall() == [("staged", None)]
