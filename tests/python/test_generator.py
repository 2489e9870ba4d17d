import hashlib
import json

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import generate_small

from engagement_warehouse.generator.cli import main
from engagement_warehouse.settings import RAW_TABLES


def _digest(folder):
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.parquet")):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(str(pq.read_table(path).to_pydict()).encode())
    return h.hexdigest()


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    generate_small(tmp_path / "a", seed=3, customers=150, days=10)
    generate_small(tmp_path / "b", seed=3, customers=150, days=10)
    generate_small(tmp_path / "c", seed=4, customers=150, days=10)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_one_folder_per_table_and_one_file_per_daily_load(small_landing):
    landing, truth = small_landing
    for table in RAW_TABLES:
        files = sorted((landing / table).glob("*.parquet"))
        assert len(files) == truth["generator"]["days"], table
        assert files[0].name == "2026-06-01.parquet"


def test_raw_rows_are_clean_rows_plus_every_injected_fault(small_landing):
    landing, truth = small_landing
    con = duckdb.connect()
    for table in RAW_TABLES:
        on_disk = con.execute(f"select count(*) from read_parquet('{landing}/{table}/*.parquet')").fetchone()[0]
        injected = sum(truth["injected_faults"][table].values())
        assert on_disk == truth["raw_rows"][table] == truth["clean_rows"][table] + injected, table
        if truth["clean_rows"][table] >= 300:
            assert injected > 0, f"no faults injected into {table}"


def test_every_fault_class_is_injected_at_roughly_the_configured_rate(tmp_path):
    truth = generate_small(tmp_path, customers=600, days=30, fault_rate=0.02)
    events = truth["injected_faults"]["events"]
    assert set(events) == {"exact_duplicate", "resent_duplicate", "null_id", "unparseable_timestamp", "future_timestamp",
                           "unknown_event_type", "malformed_json", "orphan_customer"}
    expected = 0.02 * truth["clean_rows"]["events"]
    for fault_class, count in events.items():
        assert 0.8 * expected < count < 1.2 * expected, fault_class


def test_zero_fault_rate_writes_only_clean_rows(tmp_path):
    truth = generate_small(tmp_path, customers=100, days=5, fault_rate=0.0)
    assert {t: n for t, n in truth["raw_rows"].items() if t in RAW_TABLES} == truth["clean_rows"]


def test_truth_session_counts_match_an_independent_sessionisation(tmp_path):
    """30-minute rule in plain SQL over the clean files; identified events belong to their customer, anonymous
    ones to the first customer who logged in on the device (shared devices are planted)."""
    truth = generate_small(tmp_path, customers=400, days=14, fault_rate=0.0, late_rate=0.05, out_of_order_rate=0.05)
    sessions, persons_per_day = duckdb.connect().execute(f"""
        with events as (
            select anonymous_id, customer_id, cast(client_timestamp as timestamptz) at time zone 'UTC' as event_at
            from read_parquet('{tmp_path}/events/*.parquet')
        ),
        identity as (
            select anonymous_id, arg_min(customer_id, event_at) as customer_id
            from events where customer_id is not null group by 1
        ),
        people as (
            select coalesce(events.customer_id, identity.customer_id, events.anonymous_id) as person, event_at
            from events left join identity using (anonymous_id)
        ),
        gaps as (
            select person, event_at,
                   coalesce(event_at - lag(event_at) over (partition by person order by event_at) > interval 30 minute, true) as starts
            from people
        ),
        daily as (select cast(event_at as date) as day, count(distinct person) as persons from people group by 1)
        select (select count(*) from gaps where starts), (select list(persons order by day) from daily)
    """).fetchone()
    assert sessions == sum(truth["events"]["sessions_per_day"])
    assert persons_per_day == truth["events"]["active_persons_per_day"]
    assert truth["events"]["shared_anonymous_ids"] > 0


def test_cli_refuses_a_non_empty_folder_without_force(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert main(["--customers", "10", "--days", "2", "--out", str(tmp_path), "--quiet"]) == 2
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--customers", "0"], ["--fault-rate", "2"], ["--start-date", "June"]],
                         ids=["zero-customers", "rate-above-half", "bad-date"])
def test_cli_rejects_bad_arguments_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "expected" in capsys.readouterr().err


def test_truth_json_records_planted_parameters(small_landing):
    landing, _ = small_landing
    truth = json.loads((landing / "truth.json").read_text())
    assert truth["planted"]["bg_nbd"]["r"] > 0 and "basic_monthly" in truth["planted"]["sbg_by_initial_plan"]
