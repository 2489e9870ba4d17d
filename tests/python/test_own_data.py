"""A user's own landing folder: hostile files and cells are set aside or quarantined with a reason, never fatal;
an events-only export in a foreign shape builds and publishes through `make build`'s code path."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import BUILD_UP_TO_STATISTICS, generate_small, run_dbt, warehouse_env
from dagster import AssetCheckKey, AssetKey, DagsterInstance, DagsterRun, DagsterRunStatus

from engagement_warehouse.landing import preflight
from engagement_warehouse.landing.contract import contract_markdown, landing_contract
from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings, dbt_command
from engagement_warehouse.spark_tables import create_spark_table_views
from orchestration import partitions

GOOD_TIME = "2026-06-02T10:00:00+02:00"


def _one_row_file(landing, table, name, **overrides):
    template_file = next((landing / table).glob("*.parquet"))
    row = {**pq.read_table(template_file).slice(0, 1).to_pylist()[0], **overrides}
    pq.write_table(pa.Table.from_pylist([row]), landing / table / name)


@pytest.fixture(scope="module", params=["duckdb", "spark"])
def hostile_build(request, tmp_path_factory):
    """A clean generated landing plus one hand-made file per hostile case, built with plain dbt as a user would, on
    each engine: on Spark the models' casts and JSON checks are Spark's (docs/spark.md)."""
    root = tmp_path_factory.mktemp(f"hostile_{request.param}")
    landing = root / "landing"
    generate_small(landing, customers=30, days=3, fault_rate=0.0)
    shutil.rmtree(landing / "_generator")  # a user's folder has no generator manifest
    customer = pq.read_table(next((landing / "customers").glob("*.parquet"))).column("customer_id")[0].as_py()
    order = {"customer_id": customer, "ordered_at": GOOD_TIME, "currency": "EUR", "status": "paid"}
    for name, amount in (("amount-na.parquet", "N/A"), ("amount-nan.parquet", float("nan")), ("amount-inf.parquet", float("inf"))):
        pq.write_table(pa.Table.from_pylist([{"order_id": name, **order, "amount": amount}]), landing / "orders" / name)
    survey = {"customer_id": customer, "survey_type": "nps", "responded_at": GOOD_TIME}
    pq.write_table(pa.Table.from_pylist([{"response_id": "ten", **survey, "score": "ten"},
                                         {"response_id": "half", **survey, "score": "9.5"}]),
                   landing / "survey_responses" / "text-scores.parquet")
    event = {"anonymous_id": "anon_x", "event_type": "page_view", "client_timestamp": GOOD_TIME}
    pq.write_table(pa.Table.from_pylist([{"event_id": "null_props", **event, "properties": None},
                                         {"event_id": "nan_props", **event, "properties": '{"a": NaN}'},
                                         {"event_id": "year_1900", **event, "client_timestamp": "1900-01-01T00:00:00Z"},
                                         {"event_id": "year_0001", **event, "client_timestamp": "0001-01-01T00:00:00Z"}]),
                   landing / "events" / "export from tool.parquet")
    (landing / "events" / "zero-bytes.parquet").write_bytes(b"")
    good = (landing / "events").joinpath(sorted(p.name for p in (landing / "events").glob("2026-*.parquet"))[0]).read_bytes()
    (landing / "events" / "truncated.parquet").write_bytes(good[: len(good) // 2])
    rows = pq.read_table(next((landing / "orders").glob("2026-*.parquet"))).to_pylist()[:2]
    pq.write_table(pa.Table.from_pylist([{k: v for k, v in r.items() if k != "currency"} for r in rows]),
                   landing / "orders" / "no-currency.parquet")
    with open(landing / "reviews" / "from-spreadsheet.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, ["review_id", "rating", "review_text", "created_at", "stars_note"])
        writer.writeheader()
        writer.writerow({"review_id": "csv1", "rating": "5", "review_text": "great", "created_at": GOOD_TIME, "stars_note": "x"})
        writer.writerow({"review_id": "csv2", "rating": "five", "review_text": "meh", "created_at": GOOD_TIME, "stars_note": ""})
    (landing / "reviews" / "notes.txt").write_text("not data")
    latin_1 = "review_id,rating,review_text,created_at\nl1,4,très bien,2026-06-02\n"
    (landing / "reviews" / "latin-1.csv").write_bytes(latin_1.encode("latin-1"))
    (landing / "clicks").mkdir()
    (landing / "clicks" / "a.parquet").write_bytes(good)
    env = warehouse_env(root, landing)
    args = (*BUILD_UP_TO_STATISTICS, "--vars", '{"verify_injected_faults": false}')
    if request.param == "spark":
        env |= {"EW_ENGINE": "spark", "EW_SPARK_DIR": str(root / "spark")}
        args += ("--exclude-resource-type", "unit_test")  # as docs/spark.md runs it: unit tests check the SQL on DuckDB
    result = run_dbt(env, *args)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return env, result.stdout


def _query(env, sql):
    """`sql` on the build's tables: the warehouse file; on Spark, the preflight's `landing` schema in that file and
    views over Spark's staging, intermediate and marts tables. Spark's dbt views are SQL in its catalog, which DuckDB cannot read:
    the staging views are here what they select, a base table's rows of one disposition (stg_*: staged, with every
    column of the base table; quarantine_*: quarantined)."""
    if env.get("EW_ENGINE") != "spark":
        with duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True) as con:
            return con.execute(sql).fetchall()
    with duckdb.connect() as con:
        con.execute(f"attach '{env['EW_WAREHOUSE_PATH']}' as preflight (read_only)")
        con.execute("create schema landing")
        for (table,) in con.execute("select table_name from information_schema.tables where table_catalog = 'preflight' "
                                    "and table_schema = 'landing'").fetchall():
            con.execute(f"create view landing.{table} as select * from preflight.landing.{table}")
        create_spark_table_views(con, Path(env["EW_SPARK_DIR"]), ("staging", "intermediate", "marts"))
        for (base,) in con.execute("select table_name from information_schema.tables where table_schema = 'staging' "
                                   "and starts_with(table_name, 'base_')").fetchall():
            for view, disposition in (("stg_", "staged"), ("quarantine_", "quarantined")):
                con.execute(f"create view staging.{base.replace('base_', view, 1)} as select * from staging.{base} "
                            f"where row_disposition = '{disposition}'")
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("model, key_column, key, reason", [
    pytest.param("billing__orders", "order_id", "amount-na.parquet", "invalid_amount", id="amount-N/A"),
    pytest.param("billing__orders", "order_id", "amount-nan.parquet", "invalid_amount", id="amount-NaN"),
    pytest.param("billing__orders", "order_id", "amount-inf.parquet", "invalid_amount", id="amount-inf"),
    pytest.param("feedback__survey_responses", "response_id", "ten", "score_out_of_range", id="score-ten"),
    pytest.param("feedback__survey_responses", "response_id", "half", "score_out_of_range", id="score-9.5"),
    pytest.param("app__events", "event_id", "nan_props", "malformed_json", id="json-NaN"),
    pytest.param("app__events", "event_id", "year_1900", "implausible_timestamp", id="year-1900"),
    pytest.param("app__events", "event_id", "year_0001", "implausible_timestamp", id="year-0001"),
    pytest.param("feedback__reviews", "review_id", "csv2", "score_out_of_range", id="csv-rating-five"),
])
def test_a_bad_cell_is_quarantined_with_its_reason_and_the_build_goes_on(hostile_build, model, key_column, key, reason):
    env, _ = hostile_build
    assert _query(env, f"select reason_code from staging.quarantine_{model} where {key_column} = '{key}'") == [(reason,)]


def test_null_properties_mean_no_properties_and_the_csv_row_is_staged(hostile_build):
    env, _ = hostile_build
    assert _query(env, "select count(*) from staging.stg_app__events where event_id = 'null_props'") == [(1,)]
    assert _query(env, "select load_id from staging.stg_feedback__reviews where review_id = 'csv1'") == [("from-spreadsheet.csv",)]


def test_old_placeholder_dates_do_not_stretch_the_spines(hostile_build):
    env, _ = hostile_build
    first_day, days = _query(env, "select min(activity_date), count(*) from marts.engagement_daily")[0]
    assert first_day >= date(2026, 6, 1) and days < 60
    assert _query(env, "select min(month_start) >= date '2026-01-01' from marts.mrr_monthly") == [(True,)]


@pytest.mark.parametrize("table, load_id, reason", [
    pytest.param("events", "zero-bytes.parquet", "unreadable_file", id="zero-byte"),
    pytest.param("events", "truncated.parquet", "unreadable_file", id="truncated"),
    pytest.param("orders", "no-currency.parquet", "missing_required_column", id="missing-column-in-one-file"),
    pytest.param("reviews", "notes.txt", "unsupported_format", id="text-file"),
    pytest.param("reviews", "latin-1.csv", "unreadable_file", id="latin-1-csv"),
])
def test_a_bad_file_is_set_aside_counted_and_named(hostile_build, table, load_id, reason):
    env, stdout = hostile_build
    assert _query(env, f"select file_status, reason_code from landing.load_files "
                       f"where table_name = '{table}' and load_id = '{load_id}'") == [("set_aside", reason)]
    assert _query(env, f"select file_count >= 1 from marts.load_reconciliation where table_name = '{table}' "
                       f"and row_disposition = 'set_aside' and reason_code = '{reason}'") == [(True,)]


def test_the_set_aside_rows_are_part_of_reconciliation(hostile_build):
    env, _ = hostile_build
    assert _query(env, "select row_count from marts.load_reconciliation where table_name = 'orders' "
                       "and row_disposition = 'set_aside'") == [(2,)]


def test_every_problem_is_reported_with_file_column_and_fix(hostile_build):
    env, _ = hostile_build
    findings = _query(env, "select severity, table_name, load_id, column_name, fix from landing.preflight_findings")
    by_file = {(t, f): (s, c, fix) for s, t, f, c, fix in findings}
    assert by_file[("orders", "no-currency.parquet")][:2] == ("set_aside", "currency")
    assert "currency" in by_file[("orders", "no-currency.parquet")][2]
    assert any(t == "clicks" and s == "warning" and "landing_table" not in fix for s, t, f, c, fix in findings)
    assert any(c == "stars_note" and s == "warning" for s, t, f, c, fix in findings)
    assert by_file[("reviews", "latin-1.csv")][2].startswith("re-export it as UTF-8")


def test_a_required_column_missing_from_every_file_sets_them_aside_and_says_how_to_fix_it(tmp_path):
    landing = tmp_path / "landing"
    generate_small(landing, customers=30, days=2, fault_rate=0.0)
    shutil.rmtree(landing / "_generator")
    for path in (landing / "subscriptions").glob("*.parquet"):
        pq.write_table(pq.read_table(path).rename_columns(
            ["subscription_id", "customer_id", "plan_id", "billing_interval", "amount", "currency", "state", "change_type",
             "effective_at", "cancel_reason"]), path)
    env = warehouse_env(tmp_path, landing)
    result = run_dbt(env, *BUILD_UP_TO_STATISTICS, "--vars", '{"verify_injected_faults": false}')
    assert result.returncode == 0, result.stdout[-3000:]
    fixes = _query(env, "select distinct fix from landing.preflight_findings where table_name = 'subscriptions' "
                        "and severity = 'set_aside'")
    assert fixes == [("rename 'state' to 'status'.",)]
    assert _query(env, "select count(*) from staging.stg_billing__subscriptions") == [(0,)]
    assert _query(env, "select count(*) > 0 from staging.stg_billing__orders") == [(True,)]


def test_a_rename_is_suggested_only_to_a_column_the_file_lacks_in_the_files_own_spelling(tmp_path):
    landing = tmp_path / "landing"
    (landing / "reviews").mkdir(parents=True)
    (landing / "reviews" / "a.csv").write_text(f"review_id,rating,review_text,created_at,reviewer_name,CustomerNo\n"
                                               f"r1,5,good,{GOOD_TIME},Jane,c1\n")
    (landing / "reviews" / "b.csv").write_text(f"review_id,Rating_Value,created_at\nr2,5,{GOOD_TIME}\n")
    with duckdb.connect() as con:
        fixes = {(f.load_id, f.column_name): f.fix for f in preflight.check_landing(landing, con).findings}
    assert fixes[("a.csv", "CustomerNo")] == "rename it to 'customer_id' if that is what it holds; else drop it."
    assert "review_text" not in fixes[("a.csv", "reviewer_name")]  # the file has review_text already
    assert fixes[("b.csv", "rating")] == "rename 'Rating_Value' to 'rating'."


def test_column_names_match_whatever_their_case_spaces_and_hyphens(tmp_path):
    """Spreadsheet headers (`Review ID`, ` Rating `, `created-at`) are the contract's columns; a column spelled as the
    contract spells it wins over a loose match of the same name."""
    landing = tmp_path / "landing"
    (landing / "reviews").mkdir(parents=True)
    (landing / "reviews" / "sheet.csv").write_text(f"Review ID, Rating ,Review Text,created-at,rating\nr1,x,good,{GOOD_TIME},5\n")
    with duckdb.connect() as con:
        report = preflight.check_landing(landing, con)
    sheet = report.read_files("reviews")[0]
    assert {name: file_name for name, (file_name, _) in sheet.columns.items()} == {
        "review_id": "Review ID", "rating": "rating", "review_text": "Review Text", "created_at": "created-at"}
    assert not [f for f in report.findings if f.severity != "note"]


# ---------------------------------------------------------------- an events-only export in a foreign shape

# A clickstream export as another analytics tool writes it (one row per hit, epoch microseconds, no logins):
# hand-written so the sessions and DAU below can be counted independently of the warehouse.
FOREIGN_HITS = [
    # (user, seconds after 2026-03-02 08:00 UTC, event name, page)
    ("u1", 0, "page_view", "/"), ("u1", 600, "click", "/pricing"), ("u1", 600 + 1800.4, "page_view", "/docs"),
    ("u1", 86400 * 2, "page_view", "/"),
    ("u2", 30, "page_view", "/blog"), ("u2", 30 + 1800.0, "scroll_ping", "/blog"), ("u2", 30 + 1800.0 + 1799.9, "page_view", "/"),
    ("u3", 86400 + 5, "page_view", "/"), ("u3", 86400 + 5 + 1800.9, "search", "/search"),
]
EVENT_NAME_MAP = {"page_view": "page_view", "click": "click", "search": "search", "scroll_ping": "page_ping"}
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _independent_sessions(hits) -> int:
    sessions = 0
    for user in sorted({h[0] for h in hits}):
        times = sorted(h[1] for h in hits if h[0] == user)
        sessions += 1 + sum(1 for a, b in zip(times, times[1:], strict=False) if b - a > 1800)
    return sessions


def _land_foreign_export(landing):
    """Convert the foreign export to the landing contract the way the README tells a user to."""
    events = landing / "events"
    events.mkdir(parents=True)
    with open(events / "clickstream export (March).csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "anonymous_id", "event_type", "client_timestamp", "page", "properties", "session_hint"])
        for number, (user, offset, name, page) in enumerate(FOREIGN_HITS):
            at = START + timedelta(seconds=offset)
            writer.writerow([f"hit-{number}", user, EVENT_NAME_MAP[name], at.isoformat(timespec="milliseconds"), page, "", "x"])


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_an_events_only_export_builds_and_publishes_with_make_build(engine, tmp_path, monkeypatch, capsys):
    from engagement_warehouse.commands import build

    landing = tmp_path / "landing"
    _land_foreign_export(landing)
    before = sorted(p.name for p in landing.rglob("*"))
    for name, value in warehouse_env(tmp_path, landing).items():
        if name.startswith(("EW_", "DAGSTER_HOME")):
            monkeypatch.setenv(name, value)
    # On Spark (docs/spark.md) the same command builds Spark's tables and publishes the same DuckDB copy from them.
    monkeypatch.setenv("EW_ENGINE", engine)
    monkeypatch.setenv("EW_SPARK_DIR", str(tmp_path / "spark"))
    monkeypatch.setenv("EW_AS_OF_DATE", "2026-03-10")
    monkeypatch.delenv("EW_PARTITIONS_START", raising=False)
    assert build.main([]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "no files for: customers" in out and "column 'session_hint'" in out
    assert "events: 1 file(s) read (9 rows), 0 set aside, 1 not staged yet" in out
    # make build's first step reports against what the build before it staged
    assert "events: 1 file(s) read (9 rows), 0 set aside, 0 not staged yet" in build.preflight_report(WarehouseSettings.from_env())
    assert sorted(p.name for p in landing.rglob("*")) == before, "make build wrote into the landing folder"
    published = WarehouseSettings.from_env().published_path
    with duckdb.connect(str(published), read_only=True) as con:
        sessions = con.execute("select count(*) from marts.fct_sessions").fetchone()[0]
        dau = dict(con.execute("select activity_date, dau from marts.engagement_daily").fetchall())
        customers = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    clock = _query(os.environ, "select as_of_at from intermediate.int_reporting_clock")  # the build's settings, set above
    assert sessions == _independent_sessions(FOREIGN_HITS) == 6
    assert {d: n for d, n in dau.items() if n} == {date(2026, 3, 2): 2, date(2026, 3, 3): 1, date(2026, 3, 4): 1}
    assert clock == [(datetime(2026, 3, 10),)]  # one row: the clock every customer model cross joins
    assert customers == 0
    # the run is in the instance `make dagster` opens: materialisations, check results, step metadata
    with DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        assert instance.get_latest_materialization_event(AssetKey("fct_sessions")) is not None
        preflight = instance.get_latest_materialization_event(AssetKey(["app", "events"])).asset_materialization
        assert preflight.metadata["files_read"].value == 1
        checked = instance.event_log_storage.get_asset_check_execution_history(
            AssetCheckKey(AssetKey("fct_sessions"), "unique_fct_sessions_session_id"), limit=1)
        assert [record.status.value for record in checked] == ["SUCCEEDED"]
    assert partitions.first_partition_day() == "2026-03-02"


def test_the_first_report_reads_the_warehouse_unless_another_process_writes_it(tmp_path):
    from engagement_warehouse.commands.build import _warehouse_or_memory

    settings = WarehouseSettings.from_env(warehouse_env(tmp_path, tmp_path / "landing"))
    with _warehouse_or_memory(settings) as con:
        assert con.execute("select current_database()").fetchone() == ("memory",)  # no warehouse yet
    settings.ensure_dirs()
    writer = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys; con = duckdb.connect({str(settings.warehouse_path)!r}); "
                               "print('open', flush=True); sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "open"
    with _warehouse_or_memory(settings) as con:
        assert con.execute("select current_database()").fetchone() == ("memory",)  # a daemon-started run writes it
    writer.communicate("")
    with _warehouse_or_memory(settings) as con:
        assert con.execute("select current_database()").fetchone() == ("engagement",)


def test_a_build_ends_the_run_an_interrupted_build_left_started(tmp_path, monkeypatch):
    from orchestration.instance import LAUNCHED_BY_BUILD, build_instance

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    settings = WarehouseSettings.from_env()
    with build_instance(settings) as instance:
        for run_id, tags in (("interrupted", LAUNCHED_BY_BUILD), ("from-the-ui", {})):
            instance.add_run(DagsterRun(job_name="__ephemeral_asset_job__", run_id=run_id, status=DagsterRunStatus.STARTED, tags=tags))
    with build_instance(settings) as instance:
        assert instance.get_run_by_id("interrupted").status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id("from-the-ui").status == DagsterRunStatus.STARTED


def test_a_second_build_on_the_same_folder_stops_with_a_message(tmp_path, monkeypatch):
    from engagement_warehouse.commands.build import BuildLockedError, build_lock

    monkeypatch.setenv("EW_DATA_DIR", str(tmp_path))
    settings = WarehouseSettings.from_env()
    with build_lock(settings), pytest.raises(BuildLockedError, match="another build is running"), build_lock(settings):
        pass
    with build_lock(settings):  # released
        pass


def test_the_demo_never_deletes_a_landing_folder_it_did_not_make(tmp_path, monkeypatch):
    from engagement_warehouse.commands.demo import ForeignLandingError, replace_demo_landing

    (tmp_path / "landing" / "events").mkdir(parents=True)
    (tmp_path / "landing" / "events" / "mine.csv").write_text("event_id\n1\n")
    monkeypatch.setenv("EW_DATA_DIR", str(tmp_path))
    with pytest.raises(ForeignLandingError, match="make build"):
        replace_demo_landing(WarehouseSettings.from_env())
    assert (tmp_path / "landing" / "events" / "mine.csv").exists()


def test_events_before_the_first_partition_give_a_warning_not_a_traceback(tmp_path, monkeypatch):
    from dagster import DailyPartitionsDefinition

    from orchestration import partitions

    _land_foreign_export(tmp_path / "landing")
    monkeypatch.setenv("EW_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setattr(partitions, "event_days", DailyPartitionsDefinition(start_date="2026-03-03", end_offset=1))
    with pytest.warns(UserWarning, match="set EW_PARTITIONS_START=2026-03-02"):
        tags = partitions.whole_landing_tags()
    assert tags == {partitions.RANGE_START_TAG: "2026-03-03", partitions.RANGE_END_TAG: "2026-03-04"}


def test_the_readme_lists_the_landing_contract_of_the_sources_yaml():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert contract_markdown() in readme, \
        "README 'Your own data' is out of date: paste `python -m engagement_warehouse.landing --contract-markdown`"
    documented = set(re.findall(r"\*\*`(\w+)/`\*\*", readme))
    assert documented == set(landing_contract())


def test_findings_render_file_column_problem_and_fix():
    from engagement_warehouse.landing.preflight import Finding

    text = str(Finding("set_aside", "orders", "a.csv", "amount", "required column(s) amount missing.", "add column 'amount'."))
    assert text == "[set_aside] orders/a.csv: column 'amount': required column(s) amount missing. Fix: add column 'amount'."
    assert json.dumps(text)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_a_csv_export_with_a_byte_order_mark_any_usual_delimiter_and_every_cell_quoted_is_read(tmp_path, delimiter):
    landing = tmp_path / "landing"
    (landing / "customers").mkdir(parents=True)
    header = ["Customer_ID", "email", "created_at", "consent_email", "full_name"]
    rows = [["c1", "a@example.com", GOOD_TIME, "", f"Doe{delimiter} Jane"], ["c2", "", GOOD_TIME, "true", ""]]
    with open(landing / "customers" / "crm export.csv", "w", newline="", encoding="utf-8-sig") as handle:  # with a BOM
        csv.writer(handle, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    settings = WarehouseSettings.from_env(warehouse_env(tmp_path, landing))
    with settings.connect() as con:
        report = preflight.run_preflight(landing, con)
        staged = con.execute("select customer_id, email, consent_email, full_name from landing.customers "
                             "order by customer_id").fetchall()
    assert [(f.load_id, f.is_read, f.row_count) for f in report.files] == [("crm export.csv", True, 2)]
    assert not [f for f in report.findings if f.severity == "set_aside"]
    # "" is null, quoted or not; a delimiter inside a quoted cell is text
    assert staged == [("c1", "a@example.com", None, f"Doe{delimiter} Jane"), ("c2", None, "true", None)]


def test_the_preflight_opens_again_only_the_files_that_changed_since_it_last_read_them(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    generate_small(landing, customers=30, days=2)
    settings = WarehouseSettings.from_env(warehouse_env(tmp_path, landing))
    opened: list[str] = []
    read_columns = preflight._read_columns
    monkeypatch.setattr(preflight, "_read_columns", lambda load_file, con: opened.append(load_file.load_id) or read_columns(load_file, con))

    def ledger() -> list[tuple]:
        with settings.connect() as con:
            report = preflight.run_preflight(landing, con)
        return sorted((f.table_name, f.load_id, f.row_count, tuple(sorted(f.columns.items()))) for f in report.files)

    first = ledger()
    assert len(opened) == len(first) == 2 * len(landing_contract())
    opened.clear()
    rewritten = landing / "events" / "2026-06-02.parquet"
    pq.write_table(pq.read_table(rewritten).slice(0, 3), rewritten)
    second = ledger()
    assert opened == ["2026-06-02.parquet"]
    assert [f for f in second if f[:2] != ("events", "2026-06-02.parquet")] == \
           [f for f in first if f[:2] != ("events", "2026-06-02.parquet")]
    assert ("events", "2026-06-02.parquet", 3) in {f[:3] for f in second}


@pytest.mark.parametrize("staging_changes, scoped", [(("new", "new"), False), (("staged", "new"), True)])
def test_event_uniqueness_tests_read_only_the_new_files_event_ids_once_files_were_staged_before(tmp_path, staging_changes,
                                                                                                 scoped):
    env = warehouse_env(tmp_path, tmp_path / "landing")
    with WarehouseSettings.from_env(env).connect() as con:
        con.execute("create schema landing")
        con.execute("create table landing.load_files as select * from (values ('events', 'a.parquet', ?), "
                    "('events', 'b.parquet', ?)) as files(table_name, load_id, staging_change)", list(staging_changes))
    target = tmp_path / "target"
    compiled = subprocess.run(dbt_command("compile", "--select", "unique_fct_events_event_id", target_path=target),
                              env=env, capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    sql = next(target.rglob("unique_fct_events_event_id.sql")).read_text()
    assert ("where load_id in" in sql and "staging_change = 'new'" in sql) == scoped, sql
    assert "marts" in sql and "fct_events" in sql
