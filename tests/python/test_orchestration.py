"""Dagster definitions load, and the whole graph materialises on tiny data and publishes a readable copy."""

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import STALE_STEP_TARGET, warehouse_env
from dagster import AssetKey, materialize

from engagement_warehouse.settings import AUDIENCES, PROJECT_ROOT, SettingsError, WarehouseSettings, dbt_command
from engagement_warehouse.statistics.fitting import FitError
from orchestration import stats_assets
from orchestration.dbt_assets import UNIT_TESTS_EXCLUDED, dbt_build_args, remove_old_step_targets
from orchestration.definitions import defs
from orchestration.partitions import whole_landing_tags
from orchestration.publish import publish_copy
from orchestration.resources import WarehouseResource
from orchestration.stats_contracts import CONTRACTS, contract_results


def test_definitions_hold_every_dbt_model_tests_as_checks_and_the_publish_asset():
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {"stg_app__events", "quarantine_app__events", "load_reconciliation", "published_warehouse"} <= keys
    assert len(list(defs.resolve_asset_graph().asset_check_keys)) > 50


def test_statistics_assets_sit_between_their_dbt_inputs_and_the_marts_that_read_them():
    graph = defs.resolve_asset_graph()

    def parents(key: str) -> set[str]:
        return {parent.to_user_string() for parent in graph.get(AssetKey.from_user_string(key)).parent_keys}

    assert "int_survey_answers" in parents("statistics/nps_summary")
    assert "statistics/nps_summary" in parents("nps_monthly")
    assert {"int_customer_purchase_summary", "statistics/subscription_retention_fits"} <= parents("statistics/customer_clv_predictions")
    assert "statistics/customer_clv_predictions" in parents("customer_predicted_value")
    assert {"customer_predicted_value", "subscription_retention_by_plan"} <= parents("published_warehouse")


def test_dbt_steps_skip_the_fault_check_without_a_manifest_and_refresh_fully_after_a_staged_file_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("EW_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("EW_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("EW_DUCKDB_TEMP_DIR", str(tmp_path / "tmp"))
    warehouse = WarehouseResource()
    assert dbt_build_args(warehouse) == ["build", *UNIT_TESTS_EXCLUDED, "--vars", '{"verify_injected_faults": false}']
    (tmp_path / "landing" / "_generator").mkdir(parents=True)
    (tmp_path / "landing" / "_generator" / "injected_faults.parquet").touch()
    with warehouse.settings().connect() as con:
        con.execute("create schema landing; create table landing.load_files as "
                    "select 'events' as table_name, 'a.parquet' as load_id, 'staged' as staging_change")
    assert dbt_build_args(warehouse) == ["build", *UNIT_TESTS_EXCLUDED]
    for change in ("rewritten", "removed"):
        with warehouse.settings().connect() as con:
            con.execute(f"update landing.load_files set staging_change = '{change}'")
        assert dbt_build_args(warehouse) == ["build", *UNIT_TESTS_EXCLUDED, "--full-refresh"]


def test_publish_replaces_the_copy_while_a_reader_holds_the_old_one(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as version")
    publish_copy(build, published)
    reader = duckdb.connect(str(published), read_only=True)
    with duckdb.connect(str(build)) as con:
        con.execute("update marts.t set version = 2")
    publish_copy(build, published)
    assert reader.execute("select version from marts.t").fetchone() == (1,)
    reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select version from marts.t").fetchone() == (2,)
    assert not list(published.parent.glob(".*.tmp"))


def published_rows_differ(one: Path, other: Path) -> dict[str, tuple[int, int]]:
    """Per table of either file: rows only in the first and only in the second (as multisets), where any differ."""
    with duckdb.connect() as con:
        con.execute(f"attach '{one}' as one (read_only); attach '{other}' as other (read_only)")
        tables = {f"{schema}.{name}" for (schema, name) in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name in ('one', 'other')").fetchall()}
        differ = {}
        for table in sorted(tables):
            try:
                counts = tuple(con.execute(f"select count(*) from (select * from {a}.{table} except all select * from {b}.{table})")
                               .fetchone()[0] for a, b in (("one", "other"), ("other", "one")))
            except duckdb.CatalogException:
                counts = (-1, -1)
            if counts != (0, 0):
                differ[table] = counts
        return differ


def test_a_republish_replaces_only_the_changed_days_and_equals_a_fresh_copy(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_events as select i as event_id, date '2026-06-01' + cast(i % 5 as integer) as event_date, "
                    "'p' || (i % 7) as person_key, cast(i as hugeint) * 2 as amount from range(1000) as t(i)")
        con.execute("create table marts.engagement_daily as select 1 as dau")
        con.execute("create table marts.retired as select 1 as x")
    assert publish_copy(build, published)["mode"] == "fresh"
    with duckdb.connect(str(build)) as con:
        con.execute("update marts.fct_events set person_key = 'stitched' where event_id = 3")  # a row of 2026-06-04
        con.execute("delete from marts.fct_events where event_date = date '2026-06-05'")
        con.execute("insert into marts.fct_events select 5000 + i, date '2026-06-06', 'new', i from range(10) as t(i)")
        con.execute("update marts.engagement_daily set dau = 2")
        con.execute("drop table marts.retired")
    again = publish_copy(build, published)
    assert (again["mode"], again["days_replaced"]) == ("incremental", 3)  # 06-04 changed, 06-05 gone, 06-06 new
    fresh = tmp_path / "fresh" / "engagement.duckdb"
    assert publish_copy(build, fresh)["mode"] == "fresh"
    assert published_rows_differ(published, fresh) == {}
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select data_type from duckdb_columns() where column_name = 'amount'").fetchone() == ("BIGINT",)


def test_a_person_re_stitched_on_every_day_replaces_their_buckets_not_the_days(tmp_path):
    """A login links a device's past events to a customer (or an erasure unlinks them): one person's rows change on
    every day they were active. The publish replaces those persons' buckets of each day, not whole days."""
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_events as select i as event_id, date '2026-06-01' + cast(i % 30 as integer) as event_date, "
                    "'device-' || (i % 499) as person_key from range(30000) as t(i)")
    publish_copy(build, published)
    with duckdb.connect(str(build)) as con:
        con.execute("update marts.fct_events set person_key = 'customer-1' where person_key = 'device-7'")
        stitched_days = con.execute("select count(distinct event_date) from marts.fct_events where person_key = 'customer-1'").fetchone()[0]
    again = publish_copy(build, published)
    assert (again["mode"], again["days_replaced"]) == ("incremental", stitched_days)
    # Two buckets a day at most (the device's and the customer's): 60 rows changed, each bucket holds ~8 persons'
    # rows; whole days would be all 30,000 rows.
    assert 0 < again["partitions_replaced"] <= 2 * stitched_days
    assert 60 <= again["rows_replaced"] < 30000 / 10
    fresh = tmp_path / "fresh" / "engagement.duckdb"
    publish_copy(build, fresh)
    assert published_rows_differ(published, fresh) == {}


def erasure_build(build: Path) -> None:
    """A build warehouse with events of ten customers over three days and an (empty) erasure request list."""
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute("create table staging.requests (customer_key varchar)")
        con.execute("create view staging.stg_privacy__erasure_requests as select * from staging.requests")
        con.execute("create table marts.fct_events as select i as event_id, date '2026-06-01' + cast(i % 3 as integer) as event_date, "
                    "'customer-' || (i % 10) as person_key from range(3000) as t(i)")


def erase(build: Path, customer_key: str) -> None:
    with duckdb.connect(str(build)) as con:
        con.execute(f"insert into staging.requests values ('{customer_key}')")
        con.execute(f"delete from marts.fct_events where person_key = '{customer_key}'")


def test_an_erasure_deletes_the_rows_at_once_and_purges_the_file_within_the_purge_delay(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    erasure_build(build)
    june = [date(2026, 6, day) for day in range(1, 31)]
    assert publish_copy(build, published, today=june[0])["mode"] == "fresh"
    erase(build, "customer-4")
    erased = publish_copy(build, published, today=june[1])
    # Deleted from the copy's tables and counted out of the day fingerprints: no day differs, none is rewritten.
    assert (erased["mode"], erased["days_replaced"], erased["purge_pending_since"]) == ("incremental", 0, "2026-06-02")
    fresh = tmp_path / "fresh" / "engagement.duckdb"
    publish_copy(build, fresh)
    assert published_rows_differ(published, fresh) == {}
    erase(build, "customer-7")  # a second erasure does not move the deadline of the first
    assert publish_copy(build, published, today=june[5])["purge_pending_since"] == "2026-06-02"
    purged = publish_copy(build, published, today=june[8])  # 7 days after the first erasure reached the copy
    assert (purged["mode"], purged["purge_pending_since"]) == ("fresh", None)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("pragma database_size").fetchone()[5] == 0  # no free block left to hold erased bytes
        assert con.execute("select count(*) from marts.fct_events where person_key in ('customer-4', 'customer-7')").fetchone() == (0,)
    assert publish_copy(build, published, today=june[9])["mode"] == "incremental"
    published.with_name(published.name + ".publish-state.json").unlink()
    assert publish_copy(build, published, today=june[9])["mode"] == "fresh"  # no state of the last publish: nothing to compare with


def test_an_erasure_after_a_state_older_than_the_file_replaces_the_days_the_state_misses(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    erasure_build(build)
    publish_copy(build, published)
    state_path = published.with_name(published.name + ".publish-state.json")
    state = json.loads(state_path.read_text())
    partitions = state["partitions"]["marts.fct_events"]
    for partition in [p for p in partitions if p.startswith("2026-06-02|")]:  # as if the publish that wrote the file died
        del partitions[partition]                                                 # before its state
    state_path.write_text(json.dumps(state))
    erase(build, "customer-4")
    erased = publish_copy(build, published)
    assert (erased["mode"], erased["days_replaced"]) == ("incremental", 1)
    fresh = tmp_path / "fresh" / "engagement.duckdb"
    publish_copy(build, fresh)
    assert published_rows_differ(published, fresh) == {}


def test_a_purge_delay_of_zero_days_publishes_a_fresh_file_after_every_erasure(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    erasure_build(build)
    assert publish_copy(build, published, erasure_purge_days=0)["mode"] == "fresh"
    assert publish_copy(build, published, erasure_purge_days=0)["mode"] == "incremental"
    erase(build, "customer-4")
    assert publish_copy(build, published, erasure_purge_days=0)["mode"] == "fresh"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("pragma database_size").fetchone()[5] == 0


def test_whole_graph_materialises_and_publishes_a_file_duckdb_1_4_opens(materialised_graph):
    published = materialised_graph / "published" / "engagement.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        events = con.execute("select count(*) from marts.fct_events").fetchone()[0]
    assert events > 0
    assert _count_with_duckdb_1_4(published, "marts.fct_events") == ("1.4.4", events)


def test_every_dbt_unit_test_passes_where_refreshes_skip_them(materialised_graph):
    """Refreshes run `dbt build` without unit tests (logic on fixed inputs, not data): this runs all of them, on
    the warehouse the whole graph built, so the models' logic is still checked on every `make test`."""
    env = warehouse_env(materialised_graph, materialised_graph / "landing")
    target = materialised_graph / "target_unit_tests"
    result = subprocess.run(dbt_command("test", "--select", "test_type:unit", target_path=target),
                            env=env, capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((target / "manifest.json").read_text())
    ran = json.loads((target / "run_results.json").read_text())["results"]
    assert {r["unique_id"] for r in ran if r["status"] == "pass"} == set(manifest["unit_tests"]) != set()


def test_the_whole_graph_built_again_on_the_same_landing_gives_the_same_tables_value_for_value(materialised_graph, tmp_path,
                                                                                                 monkeypatch):
    """SPEC §4 for the statistics and what reads them too (test_warehouse_build checks the models before them): sums
    of doubles (engagement scores, predicted values, sentiment) once differed in their 13th digit between builds."""
    for name, value in warehouse_env(tmp_path, materialised_graph / "landing").items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    assert materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags()).success
    with duckdb.connect(str(tmp_path / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        con.execute(f"attach '{materialised_graph / 'warehouse' / 'engagement.duckdb'}' as first (read_only)")
        tables = con.execute("select schema_name, table_name from duckdb_tables() where database_name = 'engagement' "
                             "and schema_name in ('intermediate', 'marts', 'statistics') order by all").fetchall()
        assert ("statistics", "customer_clv_predictions") in tables and ("marts", "dim_customers") in tables
        differing = [(schema, table) for schema, table in tables if con.execute(
            f"select count(*) from ((from {schema}.{table} except all from first.{schema}.{table}) "
            f"union all (from first.{schema}.{table} except all from {schema}.{table}))").fetchone()[0]]
    assert differing == []


def test_statistics_reach_the_published_marts(materialised_graph):
    # the working warehouse: the published copy holds marts only, not their intermediate inputs
    with duckdb.connect(str(materialised_graph / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        buyers = con.execute("select count(*) from intermediate.int_customer_purchase_summary").fetchone()[0]
        valued = con.execute("select count(*), count(p_alive), min(predictive_clv_usd) from marts.customer_predicted_value").fetchone()
        respondents = con.execute("select sum(respondents) from marts.nps_monthly where dimension = 'all'").fetchone()[0]
        latest_answers = con.execute("select count(*) from intermediate.int_survey_answers "
                                     "where survey_type = 'nps' and is_latest_in_month").fetchone()[0]
        fitted = con.execute("select count(*) from marts.subscription_retention_by_plan where fit_status = 'fitted'").fetchone()[0]
        customers = con.execute("select (select count(*) from marts.dim_customers), (select count(distinct customer_key) "
                                "from marts.dim_customers), (select count(*) from staging.stg_app__customers)").fetchone()
    assert valued[1] == buyers and valued[0] >= buyers and valued[2] >= 0
    assert respondents == latest_answers > 0
    assert fitted >= 1
    assert customers[0] == customers[1] == customers[2] > 0


def test_the_audience_list_is_the_activation_audience_models():
    """One list of audiences (settings.AUDIENCES) for the exports and the dashboard: exactly the dbt models."""
    models = {path.stem for path in (PROJECT_ROOT / "models" / "marts" / "activation").glob("audience_*.sql")}
    assert set(AUDIENCES) == models and len(AUDIENCES) == len(models)


def test_every_audience_is_exported_with_a_manifest(materialised_graph):
    exports = materialised_graph / "exports"
    with duckdb.connect(str(materialised_graph / "published" / "engagement.duckdb"), read_only=True) as con:
        for audience in AUDIENCES:
            manifest = json.loads((exports / f"{audience}.manifest.json").read_text())
            rows = con.execute(f"select count(*) from marts.{audience}").fetchone()[0]
            exported = con.execute(f"select count(*) from read_parquet('{exports / manifest['file']}')").fetchone()[0]
            assert manifest["rows"] == rows == exported
            assert "consented" in manifest["rule"] and manifest["generated_at"]


def test_an_erased_customer_is_in_no_table_after_staging_and_is_counted(materialised_graph):
    truth = json.loads((materialised_graph / "landing" / "truth.json").read_text())
    assert truth["erased_customers"] > 0
    with duckdb.connect(str(materialised_graph / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        erased = [row[0] for row in con.execute("select customer_key from staging.stg_privacy__erasure_requests").fetchall()]
        assert len(erased) == truth["erased_customers"]
        counted = dict(con.execute("select table_name, row_count from marts.load_reconciliation "
                                   "where row_disposition = 'erased'").fetchall())
        assert {t: n for t, n in truth["erased_rows"].items() if n} == counted
        requests = con.execute("select row_disposition, reason_code, row_count from marts.load_reconciliation "
                               "where table_name = 'erasure_requests'").fetchall()
        assert requests == [("staged", None, truth["raw_rows"]["erasure_requests"])]  # the generator plants no bad request
        columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                              "where table_schema in ('intermediate', 'marts', 'statistics') and data_type = 'VARCHAR'").fetchall()
        for schema, table, column in columns:
            hits = con.execute(f'select count(*) from {schema}.{table} where "{column}" in (select unnest(?))', [erased]).fetchone()[0]
            assert hits == 0, (schema, table, column)


def test_a_failed_fit_fails_the_asset_and_keeps_the_previous_table(materialised_graph, monkeypatch):
    for name, value in warehouse_env(materialised_graph, materialised_graph / "landing").items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    query = "select count(*), sum(predictive_clv_usd) from statistics.customer_clv_predictions"
    with duckdb.connect(str(materialised_graph / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        before = con.execute(query).fetchone()

    def failing_fit(*_args, **_kwargs):
        raise FitError("BG/NBD: optimiser stopped without converging (ABNORMAL_TERMINATION_IN_LNSRCH)")

    monkeypatch.setattr(stats_assets.bg_nbd, "fit", failing_fit)
    result = materialize([stats_assets.customer_clv_predictions], resources=defs.resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "BG/NBD fit failed, previous table kept" in str(failure.step_failure_data.error)
    with duckdb.connect(str(materialised_graph / "warehouse" / "engagement.duckdb"), read_only=True) as con:
        assert con.execute(query).fetchone() == before


def _count_with_duckdb_1_4(database: Path, table: str) -> tuple[str, int]:
    """Open the file as a BI tool still on DuckDB 1.4 would: the old client, read-only, in its own process."""
    client = PROJECT_ROOT / ".venv" / "duckdb-1.4"
    assert (client / "duckdb").is_dir(), f"DuckDB 1.4 client missing at {client}; `make test` installs it"
    script = ("import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
              "print(duckdb.__version__, con.execute(f'select count(*) from {sys.argv[2]}').fetchone()[0])")
    result = subprocess.run([sys.executable, "-c", script, str(database), table], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(client)})
    assert result.returncode == 0, result.stderr
    version, count = result.stdout.split()
    return version, int(count)


def test_the_published_copy_holds_only_consumer_schemas_with_comments_and_no_128_bit_integers(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "pub" / "engagement.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute("create schema marts; create schema staging; create schema landing")
        con.execute("create table marts.daily as select 1 as day, sum(x)::hugeint as total from range(3) r(x)")
        con.execute("create view marts.daily_view as select * from marts.daily")
        con.execute("create table staging.people as select 'jane@example.com' as email")
        con.execute("create view landing.events as select 1 as raw")
    result = publish_copy(build, published, {("marts", "daily"): ("One row per day.", {"total": "Sum of x."})})
    assert result["tables"] == 2
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {row[0] for row in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        types = dict(con.execute("select column_name, data_type from duckdb_columns() where table_name = 'daily'").fetchall())
        table_comment = con.execute("select comment from duckdb_tables() where table_name = 'daily'").fetchone()[0]
        column_comment = con.execute("select comment from duckdb_columns() where table_name = 'daily' "
                                     "and column_name = 'total'").fetchone()[0]
        views = con.execute("select count(*) from duckdb_views() where not internal").fetchone()[0]
    assert schemas == {"marts"} and views == 0
    assert types == {"day": "INTEGER", "total": "BIGINT"}
    assert (table_comment, column_comment) == ("One row per day.", "Sum of x.")


def test_the_build_summary_reads_only_what_the_published_copy_holds(materialised_graph, monkeypatch):
    """make build / make demo end with this summary; the copy has no staging, so it must not ask for it."""
    from engagement_warehouse.commands.summary import summary
    from engagement_warehouse.settings import WarehouseSettings

    for name, value in warehouse_env(materialised_graph, materialised_graph / "landing").items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    text = summary(WarehouseSettings.from_env())
    assert "marts.fct_events" in text and "Latest month" in text
    assert re.search(r"^  events\s+[\d,]+ =\s+[\d,]+", text, re.M)


def test_every_asset_check_says_what_it_checks():
    specs = [spec for assets in defs.assets for spec in getattr(assets, "check_specs", [])]
    described = {spec.key.name: spec.description for spec in specs}
    assert len(specs) > 200 and all(described.values())
    assert described["unique_fct_sessions_session_id"] == "session_id is unique: no value on two rows."
    assert described["not_null_fct_sessions_person_key"] == "person_key is never null."
    reconciliation = [text for name, text in described.items() if name.startswith("reconciles_with_raw_stg_app__events")]
    assert reconciliation == ["Fails when raw rows differ from staged + quarantined + duplicate rows. (raw: source('app', "
                              "'events'), checked: ref('base_app__events'), quarantine: ref('quarantine_app__events'))"]


def test_each_statistics_contract_passes_on_sound_rows_and_names_each_broken_rule(tmp_path):
    """The contract checks of the four statistics tables, on hand-made rows: sound rows pass; each planted
    breach fails its own rule and only that one."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create schema statistics")
        con.execute("create table statistics.customer_clv_predictions (customer_key varchar, p_alive double, "
                    "expected_purchases double, expected_order_value_usd double, predictive_clv_usd double)")
        con.execute("insert into statistics.customer_clv_predictions values ('c1', 0.9, 1.5, 20, 30), ('c2', null, null, null, 5)")
        con.execute("create table statistics.subscription_retention_fits (plan_id varchar, fit_status varchar, alpha double, beta double)")
        con.execute("insert into statistics.subscription_retention_fits values "
                    "('basic', 'fitted', 0.8, 2), ('pro', 'not fitted', null, null)")
        con.execute("create table statistics.nps_summary (response_month date, dimension varchar, dimension_value varchar, "
                    "respondents bigint, promoters bigint, passives bigint, detractors bigint, "
                    "nps double, nps_lower double, nps_upper double)")
        con.execute("insert into statistics.nps_summary values ('2026-06-01', 'all', 'all', 10, 5, 3, 2, 30, -10, 60)")
        con.execute("create table statistics.csat_summary (response_month date, dimension varchar, dimension_value varchar, "
                    "answers bigint, satisfied bigint, csat double, csat_lower double, csat_upper double)")
        con.execute("insert into statistics.csat_summary values ('2026-06-01', 'all', 'all', 10, 6, 0.6, 0.3, 0.85)")
        assert all(result.passed for table in CONTRACTS for result in contract_results(con, table))
        breaches = {
            "customer_clv_predictions": ("insert into statistics.customer_clv_predictions values ('c1', 1.2, 1.0, 10, 'nan')",
                                         {"one row per customer_key, never null", "p_alive in [0, 1] where an order model applies",
                                          "values finite and not negative"}),
            "subscription_retention_fits": ("insert into statistics.subscription_retention_fits values ('pro', 'fitted', -1.0, 'inf')",
                                            {"one row per plan_id, never null", "a fitted plan has finite alpha, beta > 0"}),
            "nps_summary": ("update statistics.nps_summary set promoters = 9, nps = 130", None),
            "csat_summary": ("update statistics.csat_summary set satisfied = 11, csat = 0.9", None),
        }
        for table, (breach, expected_rules) in breaches.items():
            con.execute(breach)
            (result,) = contract_results(con, table)
            broken = {rule for rule, value in result.metadata.items() if value.value > 0}
            assert all(f"'{rule}' broken by" in result.description for rule in broken)  # the run's log says which
            assert not result.passed and broken == (expected_rules or set(CONTRACTS[table]) - {next(iter(CONTRACTS[table]))}), \
                (table, broken)


@pytest.mark.parametrize("name, field", [("EW_ERASURE_PURGE_DAYS", "erasure_purge_days"),
                                         ("EW_DBT_ARTIFACT_DAYS", "dbt_artifact_days")])
def test_a_number_of_days_is_read_from_the_environment_and_a_bad_value_names_the_variable(tmp_path, name, field):
    base = {"EW_DATA_DIR": str(tmp_path)}
    assert getattr(WarehouseSettings.from_env(base), field) == 7
    assert getattr(WarehouseSettings.from_env({**base, name: "0"}), field) == 0
    with pytest.raises(SettingsError, match=f"{name}='a week' is not a whole number of days"):
        WarehouseSettings.from_env({**base, name: "a week"})


def test_a_dbt_step_removes_other_runs_step_targets_older_than_the_retention(tmp_path):
    now = 1_800_000_000.0
    day = 86400

    def step_target(name: str, age_days: float) -> Path:
        folder = tmp_path / name
        (folder / "compiled").mkdir(parents=True)
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (now - age_days * day, now - age_days * day))
        return folder

    old_step = step_target("warehouse_dbt_models-0a1b2c3-4d5e6f7", 8)
    recent_step = step_target("event_dbt_models-1a1b2c3-5d5e6f7", 6)
    this_runs_old_step = step_target("warehouse_dbt_models-abcdef0-6d5e6f7", 30)  # a backfill running for a month
    not_a_step = step_target("my-notes", 30)
    (tmp_path / "manifest.json").write_text("{}")
    os.utime(tmp_path / "manifest.json", (now - 30 * day, now - 30 * day))

    assert remove_old_step_targets(tmp_path, "abcdef01-run", keep_days=7, now=now) == [old_step]
    assert not old_step.exists()
    assert recent_step.exists() and this_runs_old_step.exists() and not_a_step.exists()
    assert (tmp_path / "manifest.json").exists()
    assert remove_old_step_targets(tmp_path, "abcdef01-run", keep_days=0, now=now) == [recent_step]
    assert this_runs_old_step.exists() and not_a_step.exists()


def test_the_materialised_graph_removed_a_stale_step_target_and_kept_its_own(materialised_graph):
    assert not (PROJECT_ROOT / "target" / STALE_STEP_TARGET).exists()
    run_results = list((PROJECT_ROOT / "target").glob(f"*-{(materialised_graph / 'run_id').read_text()[:7]}-*/run_results.json"))
    assert len(run_results) == 4  # its four dbt steps


@pytest.mark.parametrize("name, field, default", [("EW_PARTITIONS_START", "partitions_start", None),
                                                  ("EW_EARLIEST_PLAUSIBLE_DATE", "earliest_plausible_date", "2000-01-01")])
def test_a_date_setting_is_read_from_the_environment_and_a_bad_value_names_the_variable(tmp_path, name, field, default):
    base = {"EW_DATA_DIR": str(tmp_path)}
    assert getattr(WarehouseSettings.from_env(base), field) == default
    assert getattr(WarehouseSettings.from_env({**base, name: "2025-06-01"}), field) == "2025-06-01"
    with pytest.raises(SettingsError, match=f"{name}='June 2025' is not a date"):
        WarehouseSettings.from_env({**base, name: "June 2025"})


def test_the_summary_warns_of_a_table_that_staged_fewer_than_nine_in_ten_of_its_rows_and_says_why():
    from engagement_warehouse.commands.summary import mostly_not_staged

    # table, raw, staged, quarantined, duplicates, erased, rows set aside, files set aside
    reconciliation = [("events", 1000, 940, 50, 10, 0, 0, 0), ("orders", 100, 10, 85, 4, 1, 0, 0),
                      ("customers", 50, 0, 0, 0, 0, 50, 3), ("reviews", 101, 90, 10, 1, 0, 0, 0)]
    reasons = [("events", "quarantined", "null_id", 50, 2), ("orders", "quarantined", "orphan_customer", 80, 3),
               ("orders", "quarantined", "invalid_amount", 5, 1), ("customers", "set_aside", "missing_required_column", 50, 3)]
    warnings = mostly_not_staged(reconciliation, reasons)
    assert warnings[:2] == [
        "warning: orders: 10 of 95 rows staged; not staged: orphan_customer (80 rows), invalid_amount (5 rows).",
        "warning: customers: 0 of 50 rows staged; not staged: missing_required_column (3 files set aside).",
    ]  # events: 940 of 990 staged; reviews: 90 of 100, nine in ten
    assert len(warnings) == 3 and "orphan_customer: the row's customer_id is in no staged customers row" in warnings[2]
    assert mostly_not_staged(reconciliation[:1], reasons) == []


def test_a_degenerate_order_fit_leaves_order_values_null_says_why_and_publishing_goes_on(tmp_path, monkeypatch):
    """A foreign landing with 30 days of orders (tests/fixtures/short_history_buyers.csv: 148 buyers, 69 with repeat
    orders) makes BG/NBD converge on the boundary (r and alpha ~1e5, a and b ~1e-5) where its expected purchases
    overflow to NaN: the order model is not fitted, with the reason, and the contract check passes so the marts and
    the publish go on."""
    monkeypatch.setenv("EW_WAREHOUSE_PATH", str(tmp_path / "engagement.duckdb"))
    monkeypatch.setenv("EW_ENGINE", "duckdb")
    buyers = PROJECT_ROOT / "tests" / "fixtures" / "short_history_buyers.csv"
    with duckdb.connect(str(tmp_path / "engagement.duckdb")) as con:
        con.execute("create schema intermediate; create schema statistics; create schema reference")
        con.execute(f"create table intermediate.int_customer_purchase_summary as select printf('k%03d', row_number() over ()) "
                    f"as customer_key, *, timestamp '2026-12-01' as as_of_at from read_csv('{buyers}')")
        con.execute("create table intermediate.int_subscription_lifecycles (customer_key varchar, initial_plan_id varchar, "
                    "current_plan_id varchar, paid_renewals integer, has_churned boolean)")
        con.execute("create table statistics.subscription_retention_fits (plan_id varchar, fit_status varchar, alpha double, "
                    "beta double, period_discount_rate double)")
        con.execute("create table reference.plans (plan_id varchar, price_usd decimal(10, 2))")
        con.execute("create table reference.reporting_settings as select * from (values ('gross_margin', '0.80'), "
                    "('monthly_discount_rate', '0.01'), ('clv_horizon_months', '36')) s(setting, value)")
    result = materialize([stats_assets.customer_clv_predictions], resources=defs.resources, raise_on_error=False)
    assert result.success
    (materialization,) = result.asset_materializations_for_node("statistics__customer_clv_predictions")
    status = materialization.metadata["order_model"].value
    assert status.startswith("not fitted: the BG/NBD fit is degenerate") and "expected_purchases not finite for 148 of 148" in status
    with duckdb.connect(str(tmp_path / "engagement.duckdb"), read_only=True) as con:
        rows = con.execute("select count(*), count(p_alive), count(expected_purchases), sum(predictive_clv_usd) "
                           "from statistics.customer_clv_predictions").fetchone()
    assert rows == (148, 0, 0, 0)
