"""Engagement marts: exact planted session and activity counts, and day-by-day incremental builds
that end identical to a full refresh (and re-running a load changes nothing)."""

import duckdb
import pytest
from dagster import materialize

from conftest import generate_small, run_dbt, warehouse_env
from orchestration.benchmark import land
from orchestration.dbt_assets import engagement_dbt_marts, event_dbt_models, warehouse_dbt_models
from orchestration.definitions import defs
from orchestration.landing import landing_preflight
from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG

ENGAGEMENT_MARTS = ("fct_events", "fct_sessions", "person_daily_activity", "engagement_daily",
                    "retention_cohorts", "funnel_monthly")
BUILD_ENGAGEMENT = ("build", "--select", "+path:models/marts/engagement", "--resource-type", "seed", "--resource-type", "model")


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


def _differences(left: str, right: str, table: str) -> tuple[int, int]:
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as left_db (read_only)")
        con.execute(f"attach '{right}' as right_db (read_only)")
        return tuple(con.execute(f"select count(*) from (select * from {a}.marts.{table} except all select * from {b}.marts.{table})").fetchone()[0]
                     for a, b in (("left_db", "right_db"), ("right_db", "left_db")))


@pytest.fixture(scope="module")
def daily_and_full(tmp_path_factory) -> tuple[str, str, dict[str, list]]:
    """The same dirty, late, shuffled data (with erasure requests) built one load per day incrementally, and all at once."""
    root = tmp_path_factory.mktemp("incremental")
    # Erasure requests land mid-way, after the customer's events: the incremental models must forget them too.
    generate_small(root / "all", seed=5, customers=300, days=9, late_rate=0.08, out_of_order_rate=0.08, erasure_rate=0.03)
    days = sorted(path.stem for path in (root / "all" / "events").glob("*.parquet"))
    daily_env = warehouse_env(root / "daily", root / "landed")
    for day in days:
        land(root / "all", root / "landed", [day])
        result = run_dbt(daily_env, *BUILD_ENGAGEMENT)
        assert result.returncode == 0, (day, result.stdout[-5000:])
    with duckdb.connect(daily_env["EW_WAREHOUSE_PATH"], read_only=True) as con:
        before_rerun = {t: sorted(con.execute(f"select * from marts.{t}").fetchall(), key=repr) for t in ENGAGEMENT_MARTS}
    result = run_dbt(daily_env, *BUILD_ENGAGEMENT)  # the scheduler runs the last load again
    assert result.returncode == 0, result.stdout[-5000:]
    full_env = warehouse_env(root / "full", root / "all")
    result = run_dbt(full_env, *BUILD_ENGAGEMENT, "--full-refresh")
    assert result.returncode == 0, result.stdout[-5000:]
    return daily_env["EW_WAREHOUSE_PATH"], full_env["EW_WAREHOUSE_PATH"], before_rerun


@pytest.mark.parametrize("table", ENGAGEMENT_MARTS)
def test_day_by_day_incremental_builds_equal_a_full_refresh(daily_and_full, table):
    daily, full, _ = daily_and_full
    with duckdb.connect(full, read_only=True) as con:
        assert con.execute(f"select count(*) from marts.{table}").fetchone()[0] > 0
    assert _differences(daily, full, table) == (0, 0)


def test_running_the_same_load_again_changes_nothing(daily_and_full):
    daily, _, before_rerun = daily_and_full
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
    full_env = warehouse_env(tmp_path / "full", tmp_path / "all")
    assert run_dbt(full_env, *BUILD_ENGAGEMENT, "--full-refresh").returncode == 0
    for table in ENGAGEMENT_MARTS:
        assert _differences(env["EW_WAREHOUSE_PATH"], full_env["EW_WAREHOUSE_PATH"], table) == (0, 0), table
