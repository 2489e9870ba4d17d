"""Engagement marts: exact planted session and activity counts, and day-by-day incremental builds
that end identical to a full refresh (and re-running a load changes nothing)."""

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import generate_small, run_dbt, run_preflight, spark_table_rows, warehouse_env
from dagster import materialize

from engagement_warehouse.benchmarks.pipeline import land
from engagement_warehouse.settings import PROJECT_ROOT
from orchestration.automation import EVENT_TRIGGER_MODELS, EVENT_TRIGGERED_AUDIENCES
from orchestration.dbt_assets import dbt_build_args, engagement_dbt_marts, event_dbt_models, warehouse_dbt_models
from orchestration.definitions import defs
from orchestration.landing import landing_preflight
from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.resources import WarehouseResource

ENGAGEMENT_MARTS = ("fct_events", "fct_sessions", "person_daily_activity", "person_daily_segments", "engagement_daily",
                    "retention_cohorts", "funnel_monthly")
# What a micro-batch (the Dagster job refresh_event_triggers) builds before its audiences, and how its dbt steps run.
MICRO_BATCH_MODELS = " ".join(name for name in EVENT_TRIGGER_MODELS if name not in EVENT_TRIGGERED_AUDIENCES)
MICRO_BATCH_ENVIRONMENT = {"EW_MICRO_BATCH": "1"}
BUILD_ENGAGEMENT = ("build", "--select", "+path:models/marts/engagement", "+stg_marketing__messages",
                    "--resource-type", "seed", "--resource-type", "model")
INCREMENTAL_TABLES = ("staging.base_app__events", "staging.base_marketing__messages", "intermediate.int_identity_map",
                      *(f"marts.{t}" for t in ENGAGEMENT_MARTS))


def _daily_counts(path: str) -> tuple[list[int], list[int], int, int]:
    with duckdb.connect(path, read_only=True) as con:
        sessions = [n for _, n in con.execute("select session_date, count(*) from marts.fct_sessions group by 1 order by 1").fetchall()]
        persons = [n for _, n in con.execute("select activity_date, dau from marts.engagement_daily order by 1").fetchall()]
        engaged = con.execute("select sum(engaged_seconds) from marts.fct_sessions").fetchone()[0]
        shared = con.execute("select count(*) from intermediate.int_identity_map where is_shared").fetchone()[0]
    return sessions, persons, engaged, shared


def test_sessions_and_active_persons_equal_the_planted_counts_on_clean_data(tmp_path):
    truth = generate_small(tmp_path / "landing", customers=250, days=10, fault_rate=0.0)
    env = warehouse_env(tmp_path, tmp_path / "landing")
    result = run_dbt(env, *BUILD_ENGAGEMENT)
    assert result.returncode == 0, result.stdout[-5000:]
    sessions, persons, engaged, shared = _daily_counts(env["EW_WAREHOUSE_PATH"])
    assert sessions == truth["events"]["sessions_per_day"]
    assert persons == truth["events"]["active_persons_per_day"]
    assert engaged == truth["events"]["engaged_seconds"]
    assert shared == truth["events"]["shared_anonymous_ids"]


def test_sessions_and_active_persons_survive_dirt_late_and_out_of_order_events(built_warehouse):
    env, truth = built_warehouse
    assert truth["events"]["late_events"] > 0 and truth["injected_faults"]["events"]
    sessions, persons, engaged, shared = _daily_counts(env["EW_WAREHOUSE_PATH"])
    assert sessions == truth["events"]["sessions_per_day"]
    assert persons == truth["events"]["active_persons_per_day"]
    assert engaged == truth["events"]["engaged_seconds"]
    assert shared == truth["events"]["shared_anonymous_ids"] > 0


# Each anonymous id as all staged events describe it: seen from its first to its last event, mapped to the customer
# of its first login (the earliest, then the lowest event id), with the number of customers logged in on it.
_IDS_AS_STAGED = """
    select anonymous_id, min(event_at) as first_seen_at, max(event_at) as last_seen_at,
        arg_min(customer_key, (event_at, event_id)) filter (where customer_key is not null) as customer_key,
        min(event_at) filter (where customer_key is not null) as first_identified_at,
        count(distinct customer_key) as customers_seen
    from staging.stg_app__events group by anonymous_id"""
_BOTH_WAYS = "select (select count(*) from (from expected except all from actual)), " \
             "(select count(*) from (from actual except all from expected))"
# (rows expected and missing, rows there and not expected) of the identity map and of fct_events' stitching.
MAPPED_AS_STAGED = {
    "int_identity_map": f"""with expected as ({_IDS_AS_STAGED}),
        actual as (select anonymous_id, first_seen_at, last_seen_at, customer_key, first_identified_at, customers_seen
                   from intermediate.int_identity_map)
        {_BOTH_WAYS}""",
    "fct_events": f"""with ids as ({_IDS_AS_STAGED}),
        expected as (select events.event_id, coalesce(events.customer_key, ids.customer_key, ids.anonymous_id) as person_key
                     from staging.stg_app__events as events inner join ids on events.anonymous_id = ids.anonymous_id),
        actual as (select event_id, person_key from marts.fct_events)
        {_BOTH_WAYS}""",
}


def _differences(left: str, right: str, table: str) -> tuple[int, int]:
    """Rows of `table` (schema.table) in one warehouse and not the other, both ways."""
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as left_db (read_only)")
        con.execute(f"attach '{right}' as right_db (read_only)")
        return tuple(con.execute(f"select count(*) from (select * from {a}.{table} except all select * from {b}.{table})").fetchone()[0]
                     for a, b in (("left_db", "right_db"), ("right_db", "left_db")))


def _land_day_in_parts(generated: Path, landed: Path, day: str, customers_held_back: list[str]) -> None:
    """A day as a loader might land it: events in two files under events/<day>/, every other table as one file,
    without the customers held back (they arrive in a later load)."""
    land(generated, landed, [day])
    events = landed / "events" / f"{day}.parquet"
    (landed / "events" / day).mkdir()
    with duckdb.connect() as con:
        for part in (0, 1):
            con.execute(f"copy (select * exclude (file_row_number) from read_parquet('{events}', file_row_number = true) "
                        f"where file_row_number % 2 = {part}) to '{landed / 'events' / day / f'part-{part}.parquet'}'")
        if customers_held_back:
            customers = landed / "customers" / f"{day}.parquet"
            con.execute(f"create table day_customers as select * from read_parquet('{customers}')")
            customers.unlink()
            con.execute(f"copy (select * from day_customers where customer_id not in ({_sql_list(customers_held_back)})) "
                        f"to '{customers}'")
    events.unlink()


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


@pytest.fixture(scope="module")
def daily_and_full(tmp_path_factory) -> tuple[str, str, dict[str, list], dict]:
    """The same dirty, late, shuffled data (with erasure requests) built one load at a time incrementally, and all at
    once from the same files. Besides what the generator plants (late and duplicate events, erasure requests that
    land after the customer's events), the loads carry what incremental staging has to decide across files:
    each day's events in two files; on day 3, three customers whose rows arrive only on day 5 (their events are
    orphans until then, and so are their messages; released outside the event days the day-5 build reprocesses);
    on day 7, copies of five day-6 events received a second earlier than the staged copy (they win) and of five
    received an hour later (they do not), and the same for five plus five day-6 messages by their sent time; on day 8,
    a day-7 file sent again under another name and a late first login, both taken first by a micro-batch (staging,
    identity map and fct_events only), then by the daily build."""
    root = tmp_path_factory.mktemp("incremental")
    generate_small(root / "all", seed=5, customers=300, days=9, late_rate=0.08, out_of_order_rate=0.08, erasure_rate=0.03)
    days = sorted(path.stem for path in (root / "all" / "events").glob("*.parquet"))
    landed = root / "landed"
    daily_env = warehouse_env(root / "daily", landed)
    daily_path = daily_env["EW_WAREHOUSE_PATH"]
    with duckdb.connect() as con:
        late_customers = [row[0] for row in con.execute(
            f"select distinct customer_id from read_parquet('{root / 'all' / 'events' / days[2]}.parquet') "
            f"where customer_id in (select customer_id from read_parquet('{root / 'all' / 'customers' / days[2]}.parquet')) "
            "order by customer_id limit 3").fetchall()]
    planted: dict = {"late_customers": late_customers, "landed": landed, "builds": []}

    def build(index: int, *args: str, environment: dict[str, str] | None = None) -> None:
        """One build, recorded with the files landed so far (planted["builds"]), for the replay on Spark."""
        result = run_dbt(daily_env | (environment or {}), *args)
        assert result.returncode == 0, (index, result.stdout[-5000:])
        planted["builds"].append((index, args, environment or {},
                                  sorted(str(p.relative_to(landed)) for p in landed.rglob("*") if p.is_file())))

    for index, day in enumerate(days):
        _land_day_in_parts(root / "all", landed, day, late_customers if index == 2 else [])
        with duckdb.connect() as con:
            if index == 4:
                con.execute(f"copy (select * from read_parquet('{root / 'all' / 'customers' / days[2]}.parquet') "
                            f"where customer_id in ({_sql_list(late_customers)})) to '{landed / 'customers' / (day + '-late.parquet')}'")
            if index == 6:
                with duckdb.connect(daily_path, read_only=True) as warehouse:
                    staged = [row[0] for row in warehouse.execute(
                        "select event_id from staging.base_app__events where row_disposition = 'staged' "
                        f"and load_id like '{days[5]}/%' order by event_id limit 10").fetchall()]
                    # the copies' sent times as text in UTC, one second before or an hour after the staged copy's
                    sent_again = warehouse.execute(
                        "select message_id, strftime(case when row_number() over (order by message_id) <= 5 "
                        "then sent_at - interval 1 second else sent_at + interval 1 hour end, '%Y-%m-%dT%H:%M:%SZ') "
                        "from staging.base_marketing__messages where row_disposition = 'staged' "
                        f"and load_id = '{days[5]}.parquet' order by message_id limit 10").fetchall()
                messages = [message_id for message_id, _ in sent_again]
                planted["earlier_copies"], planted["later_copies"] = staged[:5], staged[5:]
                planted["earlier_message_copies"], planted["later_message_copies"] = messages[:5], messages[5:]
                sent_at = " ".join(f"when message_id = '{m}' then '{t}'" for m, t in sent_again)
                con.execute(
                    f"copy (select * exclude (file_row_number) "
                    f"replace (case {sent_at} end as sent_at, 'copy-from-another-load' as campaign) "
                    f"from read_parquet('{landed / 'messages' / days[5]}.parquet', file_row_number = true) "
                    f"where message_id in ({_sql_list(messages)}) "
                    "qualify row_number() over (partition by message_id order by file_row_number) = 1) "  # one copy each
                    f"to '{landed / 'messages' / (day + '-copies.parquet')}'")
                con.execute(
                    f"copy (select * replace (case when event_id in ({_sql_list(staged[:5])}) then received_at - interval 1 second "
                    "else received_at + interval 1 hour end as received_at, '/copy-from-another-load' as page) "
                    f"from read_parquet('{landed / 'events' / days[5]}/*.parquet') where event_id in ({_sql_list(staged)})) "
                    f"to '{landed / 'events' / day / 'copies.parquet'}'")
            if index == 7:
                shutil.copy(landed / "events" / days[6] / "part-1.parquet", landed / "events" / day / "sent-again.parquet")
                # A device seen only anonymously, on day 1, and a login on it at its first event's time that lands
                # only now (far outside the lookback): all the device's events are the customer's from then on.
                all_events = f"read_parquet('{root / 'all' / 'events'}/*.parquet')"
                device, customer = con.execute(
                    f"select (select anonymous_id from {all_events} group by anonymous_id having count(customer_id) = 0 "
                    f"and max(try_cast(client_timestamp as timestamptz)) < '{days[1]}' order by anonymous_id limit 1), "
                    f"(select min(customer_id) from read_parquet('{root / 'all' / 'customers' / days[0]}.parquet') "
                    "where customer_id like 'cus%' and customer_id not in "
                    f"(select customer_id from read_parquet('{root / 'all' / 'erasure_requests'}/*.parquet')))"
                ).fetchone()
                planted["late_login"] = (device, customer)
                con.execute(f"copy (select * replace ('late-first-login' as event_id, '{customer}' as customer_id) "
                            f"from {all_events} where anonymous_id = '{device}' and try_cast(client_timestamp as timestamptz) "
                            f"is not null order by client_timestamp limit 1) to '{landed / 'events' / day / 'late-login.parquet'}'")
        if index == 7:
            # A micro-batch first (the trigger job's models): the late login and the file sent again reach fct_events
            # alone, and the daily build after it finds no new file, yet must re-stitch the device's sessions and days.
            # The micro-batch reprocesses no day, only what its files change: right after it, the identity map and
            # fct_events must say what all staged events say.
            build(index, "build", "--select", MICRO_BATCH_MODELS, "--resource-type", "model",
                  environment=MICRO_BATCH_ENVIRONMENT)
            with duckdb.connect(daily_path, read_only=True) as con:
                planted["after the micro-batch"] = {name: con.execute(query).fetchone()
                                                    for name, query in MAPPED_AS_STAGED.items()}
        build(index, *BUILD_ENGAGEMENT)
        if index == 2:
            with duckdb.connect(daily_path, read_only=True) as con:
                for table in ("app__events", "marketing__messages"):
                    planted[f"{table} orphans before their customer"] = con.execute(
                        f"select count(*) from staging.base_{table} where reason_code = 'orphan_customer' "
                        f"and customer_id in ({_sql_list(late_customers)})").fetchone()[0]
    with duckdb.connect(daily_path, read_only=True) as con:
        before_rerun = {t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in ENGAGEMENT_MARTS}
    result = run_dbt(daily_env, *BUILD_ENGAGEMENT)  # the scheduler runs the last load again
    assert result.returncode == 0, result.stdout[-5000:]
    full_env = warehouse_env(root / "full", landed)
    result = run_dbt(full_env, *BUILD_ENGAGEMENT, "--full-refresh")
    assert result.returncode == 0, result.stdout[-5000:]
    return daily_path, full_env["EW_WAREHOUSE_PATH"], before_rerun, planted


@pytest.mark.parametrize("table", INCREMENTAL_TABLES)
def test_day_by_day_incremental_builds_equal_a_full_refresh(daily_and_full, table):
    daily, full, _, _ = daily_and_full
    with duckdb.connect(full, read_only=True) as con:
        assert con.execute(f"select count(*) from {table}").fetchone()[0] > 0
    assert _differences(daily, full, table) == (0, 0)


# The builds of daily_and_full that the Spark replay runs: the loads of the days between land with the next one. Kept
# is every load that decides something across loads: orphans (2) and their customers' arrival (landed at 4, built at
# 5), day 6 staged (5) before copies of it land (6), the micro-batch and the daily build after it (7).
SPARK_REPLAYED_BUILDS = (2, 5, 6, 7)


def test_day_by_day_incremental_builds_on_spark_equal_a_full_refresh_on_spark(daily_and_full, tmp_path):
    """dbt-spark's builds (EW_ENGINE=spark) of the loads of daily_and_full, incremental on Spark's partitioned parquet
    tables (macros/spark.sql), then the last load again, equal a full refresh of the same landing folder on Spark."""
    _, _, _, planted = daily_and_full
    landing = tmp_path / "landing"
    spark_env = {name: {**warehouse_env(tmp_path / name, landing), "EW_ENGINE": "spark",
                        "EW_SPARK_DIR": str(tmp_path / name / "spark")} for name in ("daily", "full")}
    without_fault_manifest = ("--vars", "{verify_injected_faults: false}")  # the replayed landing has none
    builds = [build for build in planted["builds"] if build[0] in SPARK_REPLAYED_BUILDS]
    assert [args == BUILD_ENGAGEMENT for _, args, _, _ in builds] == [True, True, True, False, True]
    for index, args, environment, files in [*builds, builds[-1]]:  # the last load twice, as a scheduler re-running it
        for name in files:
            if not (landing / name).exists():
                (landing / name).parent.mkdir(parents=True, exist_ok=True)
                (landing / name).symlink_to(planted["landed"] / name)
        result = run_dbt(spark_env["daily"] | environment, *args, *without_fault_manifest)
        assert result.returncode == 0, (index, result.stdout[-5000:])
    assert "incremental model marts.fct_events" in result.stdout
    result = run_dbt(spark_env["full"], *BUILD_ENGAGEMENT, *without_fault_manifest, "--full-refresh")
    assert result.returncode == 0, result.stdout[-5000:]
    daily, full = (Path(spark_env[name]["EW_SPARK_DIR"]) for name in ("daily", "full"))
    assert any(day.name.startswith("event_date=") for day in (daily / "warehouse" / "marts.db" / "fct_events").iterdir())
    with duckdb.connect() as con:
        for table in INCREMENTAL_TABLES:
            schema, name = table.split(".")
            daily_rows, full_rows = spark_table_rows(daily, schema, name), spark_table_rows(full, schema, name)
            assert con.execute(f"select count(*) from {full_rows}").fetchone()[0] > 0, table
            assert [con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0]
                    for a, b in ((daily_rows, full_rows), (full_rows, daily_rows))] == [0, 0], table


@pytest.mark.parametrize("model", MAPPED_AS_STAGED)
def test_a_micro_batch_leaves_the_identity_map_and_fct_events_as_all_staged_events_say(daily_and_full, model):
    """The micro-batch of load 8 (a file sent again, a late first login on a device last seen on day 1) reprocesses no
    day, only what its load files change; right after it, before any daily build, nothing is stale."""
    _, _, _, planted = daily_and_full
    assert planted["after the micro-batch"][model] == (0, 0)


def test_a_late_first_login_stitches_the_device_s_earlier_events_to_the_customer(daily_and_full):
    daily, full, _, planted = daily_and_full
    device, customer = planted["late_login"]
    for path in (daily, full):
        with duckdb.connect(path, read_only=True) as con:
            customer_key = con.execute("select customer_key from staging.stg_app__customers where customer_id = ?",
                                       [customer]).fetchone()[0]
            persons = con.execute("select person_key, count(*) from marts.fct_events where anonymous_id = ? group by all",
                                  [device]).fetchall()
            assert [person for person, _ in persons] == [customer_key] and persons[0][1] > 1, (path, persons)


@pytest.mark.parametrize("table", ["app__events", "marketing__messages"])
def test_orphans_are_released_when_their_customer_arrives_in_a_later_load(daily_and_full, table):
    daily, _, _, planted = daily_and_full
    assert planted[f"{table} orphans before their customer"] > 0
    with duckdb.connect(daily, read_only=True) as con:
        dispositions = con.execute(
            f"select distinct row_disposition from staging.base_{table} "
            f"where customer_id in ({_sql_list(planted['late_customers'])}) and reason_code is distinct from 'orphan_customer' "
            "and row_disposition <> 'quarantined'").fetchall()
        still_orphans = con.execute(f"select count(*) from staging.base_{table} where reason_code = 'orphan_customer' "
                                    f"and customer_id in ({_sql_list(planted['late_customers'])})").fetchone()[0]
    assert still_orphans == 0 and ("staged",) in dispositions


# Events: the earliest received copy wins; messages: the earliest sent. The planted copies carry a marker value.
@pytest.mark.parametrize("base, staged, key, marker_column, marker, copies_file, planted_as", [
    ("staging.base_app__events", "marts.fct_events", "event_id", "page", "/copy-from-another-load", "%/copies.parquet", "copies"),
    ("staging.base_marketing__messages", "staging.stg_marketing__messages", "message_id", "campaign", "copy-from-another-load",
     "%-copies.parquet", "message_copies"),
])
def test_the_earliest_copy_wins_even_when_it_lands_in_a_later_load(daily_and_full, base, staged, key, marker_column, marker,
                                                                    copies_file, planted_as):
    daily, _, _, planted = daily_and_full
    with duckdb.connect(daily, read_only=True) as con:
        def staged_markers(keys: list[str]) -> set[str]:
            return {row[0] for row in con.execute(
                f"select {marker_column} from {staged} where {key} in ({_sql_list(keys)})").fetchall()}

        dispositions = con.execute(f"select row_disposition, count(*) from {base} "
                                   f"where load_id like '{copies_file}' group by 1 order by 1").fetchall()
        assert staged_markers(planted[f"earlier_{planted_as}"]) == {marker}
        assert marker not in staged_markers(planted[f"later_{planted_as}"])
    assert dispositions == [("duplicate", 5), ("staged", 5)]


def test_a_file_sent_again_under_another_name_is_counted_as_duplicates(daily_and_full):
    daily, _, _, _ = daily_and_full
    with duckdb.connect(daily, read_only=True) as con:
        dispositions = dict(con.execute("select row_disposition, count(*) from staging.base_app__events "
                                        "where load_id like '%/sent-again.parquet' group by 1").fetchall())
    assert sum(dispositions.values()) > 0 and "staged" not in dispositions


def test_running_the_same_load_again_changes_nothing(daily_and_full):
    daily, _, before_rerun, _ = daily_and_full
    with duckdb.connect(daily, read_only=True) as con:
        after = {t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in ENGAGEMENT_MARTS}
    assert after == before_rerun


def test_a_three_day_partitioned_backfill_after_earlier_days_equals_a_full_build(tmp_path, monkeypatch):
    """Dagster: the first five days as one run, then the next three landed days as a single-run backfill."""
    generate_small(tmp_path / "all", seed=9, customers=250, days=8, late_rate=0.08)
    days = sorted(path.stem for path in (tmp_path / "all" / "events").glob("*.parquet"))
    env = warehouse_env(tmp_path / "dagster", tmp_path / "landed")
    for name, value in env.items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    assets = [landing_preflight, warehouse_dbt_models, event_dbt_models, engagement_dbt_marts]
    for first, last in ((days[0], days[4]), (days[5], days[7])):
        for day in days[days.index(first):days.index(last) + 1]:
            land(tmp_path / "all", tmp_path / "landed", [day])
        result = materialize(assets, resources=defs.resources, tags={RANGE_START_TAG: first, RANGE_END_TAG: last})
        assert result.success
    backfilled = {e.partition for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "fct_events"}
    assert backfilled == set(days[5:])
    # the window reached dbt (as EW_EVENT_DATE_FROM/TO): fct_events reprocessed from the backfill's first day
    compiled = next((PROJECT_ROOT / "target").glob(f"event_dbt_models-{result.run_id[:7]}-*/compiled/**/fct_events.sql"))
    assert f"cast('{days[5]}' as date)" in compiled.read_text()
    full_env = warehouse_env(tmp_path / "full", tmp_path / "all")
    assert run_dbt(full_env, *BUILD_ENGAGEMENT, "--full-refresh").returncode == 0
    for table in ENGAGEMENT_MARTS:
        assert _differences(env["EW_WAREHOUSE_PATH"], full_env["EW_WAREHOUSE_PATH"], f"marts.{table}") == (0, 0), table


def test_a_staged_file_rewritten_later_makes_the_next_build_reread_the_landing_folder(tmp_path, monkeypatch):
    """erase-at-source (or a corrected export) rewrites a load file that is already staged: plain dbt stops and says
    what to run; the preflight reports it and the orchestrated build passes --full-refresh, once."""
    generate_small(tmp_path / "all", seed=11, customers=120, days=3)
    env = warehouse_env(tmp_path, tmp_path / "landed")
    for name, value in env.items():
        if name.startswith("EW_"):
            monkeypatch.setenv(name, value)
    days = sorted(path.stem for path in (tmp_path / "all" / "events").glob("*.parquet"))
    land(tmp_path / "all", tmp_path / "landed", days)
    assert run_dbt(env, *BUILD_ENGAGEMENT).returncode == 0
    assert "--full-refresh" not in dbt_build_args(WarehouseResource())

    rewritten = tmp_path / "landed" / "events" / f"{days[1]}.parquet"
    with duckdb.connect() as con:
        con.execute(f"create table kept as select * from read_parquet('{rewritten}') limit 50")
        rewritten.unlink()
        con.execute(f"copy kept to '{rewritten}'")
    result = run_dbt(env, *BUILD_ENGAGEMENT)
    assert result.returncode != 0
    assert f"{days[1]}.parquet" in result.stdout and "dbt build --full-refresh" in result.stdout
    assert "re-reads the landing folder in full" in run_preflight(env).stdout
    assert "--full-refresh" in dbt_build_args(WarehouseResource())

    assert run_dbt(env, *BUILD_ENGAGEMENT, "--full-refresh").returncode == 0
    assert run_preflight(env).returncode == 0
    assert "--full-refresh" not in dbt_build_args(WarehouseResource())
    with duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        assert con.execute(f"select count(*) from staging.base_app__events where load_id = '{days[1]}.parquet'").fetchone()[0] == 50
