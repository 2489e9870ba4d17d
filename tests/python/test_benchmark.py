"""The benchmark harness's bookkeeping (its timings are printed by `make bench`, never asserted)."""

import os
import subprocess

import duckdb
from conftest import generate_small

from engagement_warehouse.benchmarks import pipeline as benchmark
from engagement_warehouse.settings import WarehouseSettings


def test_landing_links_only_the_given_days_of_every_table(tmp_path):
    generate_small(tmp_path / "generated", customers=30, days=3, erasure_rate=0.05)
    days = sorted(p.stem for p in (tmp_path / "generated" / "events").glob("*.parquet"))
    benchmark.land(tmp_path / "generated", tmp_path / "landing", days[:-1])
    landed = {p.parent.name: set() for p in (tmp_path / "landing").glob("*/*.parquet")}
    for path in (tmp_path / "landing").glob("*/*.parquet"):
        assert path.is_symlink()
        landed[path.parent.name].add(path.stem)
    assert landed["events"] == set(days[:-1]) and landed["customers"] == set(days[:-1])
    benchmark.land(tmp_path / "generated", tmp_path / "landing", days[-1:])
    assert {p.stem for p in (tmp_path / "landing" / "events").glob("*.parquet")} == set(days)


def test_process_tree_memory_counts_children(tmp_path):
    child = subprocess.Popen(["python3", "-c", "b = bytearray(200 * 2**20); import time; time.sleep(30)"])
    try:
        own = benchmark.process_tree_rss(os.getpid())
        for _ in range(50):
            with_child = benchmark.process_tree_rss(os.getpid())
            if with_child - own > 150 * 2**20:
                break
            subprocess.run(["sleep", "0.1"])
        assert with_child - own > 150 * 2**20
    finally:
        child.kill()


def test_floor_queries_run_on_raw_events_and_leave_no_scratch_file(tmp_path):
    generate_small(tmp_path / "landing", customers=30, days=2)
    settings = WarehouseSettings.from_env({"EW_DATA_DIR": str(tmp_path), "EW_DUCKDB_THREADS": "1"})
    settings.ensure_dirs()
    timings = benchmark.floor(settings, tmp_path / "landing", tmp_path / "floor.duckdb")
    assert set(timings) == set(benchmark.FLOOR_QUERIES)
    assert not (tmp_path / "floor.duckdb").exists()


def test_a_result_row_goes_above_the_marker(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"| header |\n{benchmark.DOC_MARKER}\ntail\n")
    monkeypatch.setattr(benchmark, "DOC", doc)
    stage = {"wall_seconds": 100.0, "peak_rss_mib": 1000}
    benchmark.record({"scale": "S", "raw_events": 1_234, "full": stage, "daily": {**stage, "wall_seconds": 5.0},
                      "trigger": {**stage, "wall_seconds": 12.0},
                      "floor_seconds": 20.0, "floor_ratio": 5.0, "published_mib": 10, "machine": "2 cores, 24 GiB",
                      "date": "2026-11-25", "commit": "abc1234"})
    lines = doc.read_text().splitlines()
    assert lines[1].startswith("| S | 1,234 | 100 s | 1,000 MiB | 5 s (5.0%) |") and lines[2] == benchmark.DOC_MARKER
    assert lines[1].endswith("| 2026-11-25, abc1234 | 12 s |")
    assert lines[-1] == "tail"


def test_a_spark_result_row_says_spark(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"| header |\n{benchmark.DOC_MARKER}\n")
    monkeypatch.setattr(benchmark, "DOC", doc)
    stage = {"wall_seconds": 300.0, "peak_rss_mib": 3000}
    benchmark.record({"scale": "S", "engine": "spark", "raw_events": 1_234, "full": stage, "daily": stage,
                      "trigger": {"wall_seconds": 90.0}, "floor_seconds": 20.0, "floor_ratio": 15.0, "published_mib": 40,
                      "machine": "2 cores, 24 GiB", "date": "2026-12-07", "commit": "abc1234"})
    row = doc.read_text().splitlines()[1]
    assert row == ("| S (Spark) | 1,234 | 300 s | 3,000 MiB | 300 s (100.0%) | 3,000 MiB | 20 s (15.0×) | 40 MiB | "
                   "2 cores, 24 GiB | 2026-12-07, abc1234 | 90 s |")


def test_floor_dedup_ranks_exactly_the_later_copies(tmp_path):
    truth = generate_small(tmp_path / "landing", customers=40, days=3)
    with duckdb.connect() as con:
        con.execute(f"create view raw_events as select * from read_parquet('{tmp_path}/landing/events/*.parquet', "
                    "filename = true, file_row_number = true)")
        con.execute(benchmark.FLOOR_QUERIES["rank copies by event_id"])
        later = con.execute("select count(*) from floor_result").fetchone()[0]
        expected = con.execute("select sum(copies - 1) from (select count(*) as copies from raw_events group by event_id)").fetchone()[0]
    assert later == expected > 0 and truth["raw_rows"]["events"] > later
