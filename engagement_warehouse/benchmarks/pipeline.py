"""`make bench SCALE=S|M|L`: the whole pipeline at scale, timed stage by stage, with its floor.

1. Generates the scale's data once (cached under data/bench/<scale>-seed<seed>/generated).
2. Full build: lands every day but the last, then materialises every asset through Dagster on a
   fresh warehouse, exactly as `make demo` does (dbt models and tests, statistics, exports, publish).
3. Daily incremental: lands the last day (new rows and late events for the days before) but for the
   events it received in its last hour, and runs that one partition, as the daily schedule does.
4. Event trigger: lands the last hour's events as a new load file and runs the micro-batch the landing
   sensor starts (refresh_event_triggers): from the file landing to the audience exports written.
5. Floor: DuckDB operations any build must do on the same raw events (a group-by, copying them
   into a table, ranking copies by event id, 30-minute sessionization), written as plainly and
   narrowly as possible, so the build's ratio to it is comparable across machines.

With EW_ENGINE=spark (docs/spark.md) the same stages run the same Dagster graph on Spark (dbt-spark, `local[*]`); the
floor stays DuckDB's.

Each pipeline stage runs in a child process; peak memory is the largest sum of the resident set
sizes of that process and its children (dbt), sampled every 0.2 s from /proc (Linux). The bench
landing has no generator fault manifest, as a production landing has not: the full build sees 364
of 365 days, so the injected-fault counts would not match (tests check them on complete data).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from engagement_warehouse.settings import LANDING_TABLES, PROJECT_ROOT, WarehouseSettings


@dataclass(frozen=True)
class Scale:
    customers: int
    days: int
    activity: float


# Ten times the customers per step, one year each; L is about 130M raw events. The year ends
# before today so every day is a Dagster partition that exists.
SCALES = {"S": Scale(10_000, 365, 0.5), "M": Scale(100_000, 365, 0.5), "L": Scale(1_000_000, 365, 0.5)}
START_DATE = date(2025, 6, 1)
BENCH_ROOT = PROJECT_ROOT / "data" / "bench"
RESULTS_DIR = BENCH_ROOT / "results"
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
DOC_MARKER = "<!-- make bench appends rows above this line -->"
PLOT = PROJECT_ROOT / "docs" / "benchmarks_scaling.png"


def generated_data(scale_name: str, seed: int) -> Path:
    """The scale's landing files, generated on first use (a `complete` marker guards half-written data)."""
    from engagement_warehouse.generator.cli import generate

    folder = BENCH_ROOT / f"{scale_name}-seed{seed}" / "generated"
    if not (folder / "complete").exists():
        scale = SCALES[scale_name]
        print(f"generating scale {scale_name} into {folder} (cached for later runs)", flush=True)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        generate(folder, scale.customers, scale.days, seed, START_DATE, activity=scale.activity, erasure_rate=0.002,
                 progress=lambda message: print(message, flush=True))
        (folder / "complete").touch()
    return folder


def land(generated: Path, landing: Path, days: list[str]) -> None:
    """Symlink the given days' load files of every landing table into the landing folder."""
    for table in LANDING_TABLES:
        (landing / table).mkdir(parents=True, exist_ok=True)
        for day in days:
            source = generated / table / f"{day}.parquet"
            target = landing / table / source.name
            if source.exists() and not target.exists():
                target.symlink_to(source)


def process_tree_rss(root: int) -> int:
    """Sum of VmRSS (bytes) of `root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run_stage(stage: str, env: dict[str, str], result_file: Path) -> dict:
    """Run one pipeline stage in a child process; its wall time, peak tree RSS and step timings."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "engagement_warehouse.benchmarks.pipeline", "--stage", stage,
                              "--stage-result", str(result_file)], env=env, cwd=PROJECT_ROOT)
    peak = 0
    while child.poll() is None:
        peak = max(peak, process_tree_rss(child.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"error: the {stage} stage failed (exit {child.returncode}); its log is above.")
    return {"wall_seconds": round(wall, 1), "peak_rss_mib": round(peak / 2**20), **json.loads(result_file.read_text())}


def land_last_hour_apart(generated: Path, landing: Path, day: str) -> Path:
    """Replaces the landed link to the day's events with the events received before its last hour; returns the
    path the last hour's events land at later (`land_last_hour`)."""
    target = landing / "events" / f"{day}.parquet"
    target.unlink()
    _copy_events(generated, day, f"not coalesce({_last_hour(day)}, false)", target)
    return landing / "events" / f"{day}-last-hour.parquet"


def land_last_hour(generated: Path, day: str, target: Path) -> None:
    _copy_events(generated, day, f"coalesce({_last_hour(day)}, false)", target)


def _last_hour(day: str) -> str:
    """SQL condition: the collector received the event in the last hour of `day` (UTC)."""
    return f"received_at >= timestamptz '{day} 23:00:00+00'"


def _copy_events(generated: Path, day: str, condition: str, target: Path) -> None:
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"copy (select * from read_parquet('{generated / 'events' / f'{day}.parquet'}') where {condition}) "
                    f"to '{target}'")


def materialise(stage: str, last_day: str, result_file: Path) -> None:
    """Child process: the Dagster run of one stage, then its step and dbt model timings. The run is recorded in the
    instance of the bench's data folder, as a deployment's daemon or `make build` records theirs (the event log
    costs seconds a run: orchestration/event_log_storage.py)."""
    from dagster import materialize

    from orchestration.automation import refresh_event_triggers
    from orchestration.definitions import defs
    from orchestration.instance import build_instance
    from orchestration.partitions import RANGE_END_TAG, RANGE_START_TAG, whole_landing_tags

    with build_instance(WarehouseSettings.from_env()) as instance:
        if stage == "trigger":
            result = materialize(list(defs.assets), selection=refresh_event_triggers.selection, partition_key=last_day,
                                 tags=refresh_event_triggers.tags,
                                 resources=defs.resources, instance=instance, raise_on_error=False)
        else:
            tags = whole_landing_tags() if stage == "full" else {RANGE_START_TAG: last_day, RANGE_END_TAG: last_day}
            result = materialize(list(defs.assets), resources=defs.resources, tags=tags, instance=instance,
                                 raise_on_error=False)
        logs = instance.all_logs(result.run_id)
    skipped = [event.step_key for event in result.all_events if event.event_type_value == "STEP_SKIPPED"]
    if not result.success or skipped:
        raise SystemExit(f"error: the Dagster run of the {stage} stage failed (skipped: {skipped or 'none'}); see the log above.")
    steps: dict[str, float] = {}
    starts: dict[str, float] = {}
    for entry in logs:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value == "STEP_SUCCESS":
            steps[event.step_key] = round(entry.timestamp - starts[event.step_key], 1)
    models = []
    for run_results in (PROJECT_ROOT / "target").glob(f"*-{result.run_id[:7]}-*/run_results.json"):
        for node in json.loads(run_results.read_text())["results"]:
            models.append((node["unique_id"], node["execution_time"]))
    result_file.write_text(json.dumps({"steps": steps, **node_timings(models)}))


def node_timings(models: list[tuple[str, float]]) -> dict:
    """dbt model and test seconds, and the ten slowest of each, from (unique_id, execution_time) pairs."""
    return {
        "dbt_model_seconds": round(sum(t for node, t in models if node.startswith("model.")), 1),
        "dbt_test_seconds": round(sum(t for node, t in models if node.startswith("test.")), 1),
        **{f"slowest_{kind}s": [[node.split(".")[2], round(t, 2)] for node, t in
                                sorted((m for m in models if m[0].startswith(f"{kind}.")), key=lambda m: -m[1])[:10]]
           for kind in ("model", "test")},
    }


# What any build must do at least, written the fastest way we know in plain DuckDB.
FLOOR_QUERIES = {
    "group-by": "create or replace table floor_result as "
                "select event_type, platform, count(*) as events, count(distinct anonymous_id) as devices "
                "from raw_events group by all",
    "copy into a table": "create or replace table floor_result as select * from raw_events",
    "rank copies by event_id": "create or replace table floor_result as "
                               "select filename, file_row_number from ("
                               "select filename, file_row_number, row_number() over "
                               "(partition by event_id order by received_at, filename, file_row_number) as copy_number "
                               "from raw_events) ranked where copy_number > 1",
    "30-min sessionization": """
        create or replace table floor_result as
        with gaps as (
            select anonymous_id, event_at,
                   case when event_at - lag(event_at) over (partition by anonymous_id order by event_at)
                        <= interval 30 minute then 0 else 1 end as new_session
            from (select anonymous_id, try_cast(client_timestamp as timestamp) as event_at from raw_events) typed
            where event_at is not null
        ),
        numbered as (
            select anonymous_id, event_at,
                   sum(new_session) over (partition by anonymous_id order by event_at rows unbounded preceding) as session_number
            from gaps
        )
        select anonymous_id, session_number, min(event_at) as session_start, max(event_at) as session_end, count(*) as events
        from numbered group by all""",
}


def floor(settings: WarehouseSettings, landing: Path, scratch: Path) -> dict[str, float]:
    """Seconds of each floor query on the landed raw events, with the warehouse's DuckDB settings."""
    scratch.unlink(missing_ok=True)
    timings = {}
    with duckdb.connect(str(scratch), config={"threads": settings.threads, "memory_limit": settings.memory_limit,
                                              "temp_directory": str(settings.duckdb_temp_dir),
                                              "preserve_insertion_order": False}) as con:
        con.execute(f"create view raw_events as select * from read_parquet('{landing}/events/*.parquet', "
                    "filename = true, file_row_number = true)")
        for name, sql in FLOOR_QUERIES.items():
            started = time.perf_counter()
            con.execute(sql)
            timings[name] = round(time.perf_counter() - started, 1)
    scratch.unlink(missing_ok=True)
    return timings


def commit() -> str:
    completed = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return completed.stdout.strip() or "unknown"


def machine() -> str:
    memory_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:"))
    return f"{os.cpu_count()} cores, {memory_kib / 2**20:.0f} GiB"


def record(result: dict) -> None:
    """Append the result's row to docs/benchmarks.md (above the marker line)."""
    full, daily = result["full"], result["daily"]
    on_spark = result.get("engine") == "spark"
    row = (f"| {result['scale']}{' (Spark)' if on_spark else ''} | {result['raw_events']:,} | {full['wall_seconds']:.0f} s | "
           f"{full['peak_rss_mib']:,} MiB | "
           f"{daily['wall_seconds']:.0f} s ({daily['wall_seconds'] / full['wall_seconds']:.1%}) | "
           f"{daily['peak_rss_mib']:,} MiB | {result['floor_seconds']:.0f} s ({result['floor_ratio']:.1f}×) | "
           f"{result['published_mib']:,} MiB | {result['machine']} | "
           f"{result['date']}, {result['commit']} | {result['trigger']['wall_seconds']:.0f} s |")
    text = DOC.read_text()
    if DOC_MARKER not in text:
        raise SystemExit(f"error: {DOC} lost the line {DOC_MARKER!r}; put it back below the bench table.")
    DOC.write_text(text.replace(DOC_MARKER, f"{row}\n{DOC_MARKER}"))


def plot() -> None:
    """docs/benchmarks_scaling.png: full build, daily run and floor against raw events, from every saved result."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latest = {}
    for path in sorted(RESULTS_DIR.glob("*.json")):
        result = json.loads(path.read_text())
        latest[result["scale"]] = result
    points = sorted(latest.values(), key=lambda r: r["raw_events"])
    if not points:
        raise SystemExit("error: no results under data/bench/results; run `make bench SCALE=S` first.")
    events = [r["raw_events"] for r in points]
    figure, axis = plt.subplots(figsize=(7, 4.5))
    for label, values in (("full build", [r["full"]["wall_seconds"] for r in points]),
                          ("daily incremental", [r["daily"]["wall_seconds"] for r in points]),
                          ("floor (raw DuckDB)", [r["floor_seconds"] for r in points])):
        axis.plot(events, values, marker="o", label=label)
    axis.axhline(600, color="grey", linestyle="--", linewidth=1, label="target: full build 10 min")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("raw events")
    axis.set_ylabel("wall time (s)")
    axis.set_title(f"Engagement warehouse scaling ({points[-1]['machine']})")
    axis.legend()
    for r in points:
        axis.annotate(r["scale"], (r["raw_events"], r["full"]["wall_seconds"]), textcoords="offset points", xytext=(4, 6))
    figure.tight_layout()
    figure.savefig(PLOT, dpi=110)
    print(f"wrote {PLOT}")


def bench(scale_name: str, seed: int) -> dict:
    generated = generated_data(scale_name, seed)
    run_dir = BENCH_ROOT / f"{scale_name}-seed{seed}" / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    landing = run_dir / "landing"
    days = sorted(path.stem for path in (generated / "events").glob("*.parquet"))
    env = {**os.environ, "EW_DATA_DIR": str(run_dir), "EW_LANDING_DIR": str(landing), "EW_PARTITIONS_START": days[0]}
    # Everything in the run folder, the Dagster instance too (never the user's $DAGSTER_HOME).
    for name in ("EW_WAREHOUSE_PATH", "EW_PUBLISHED_PATH", "EW_EXPORT_DIR", "EW_DUCKDB_TEMP_DIR", "DAGSTER_HOME"):
        env.pop(name, None)
    settings = WarehouseSettings.from_env(env)

    land(generated, landing, days[:-1])
    print(f"full build on {settings.engine}: {len(days) - 1} days landed, fresh warehouse", flush=True)
    full = run_stage("full", env, run_dir / "full.json")
    land(generated, landing, days[-1:])
    last_hour = land_last_hour_apart(generated, landing, days[-1])
    print(f"daily incremental: day {days[-1]} landed but its last hour of events, one partition", flush=True)
    daily = run_stage("daily", env | {"EW_BENCH_LAST_DAY": days[-1]}, run_dir / "daily.json")
    print(f"event trigger: the last hour of {days[-1]} lands as a new load file; micro-batch to the audience exports",
          flush=True)
    land_last_hour(generated, days[-1], last_hour)
    trigger = run_stage("trigger", env | {"EW_BENCH_LAST_DAY": days[-1]}, run_dir / "trigger.json")
    print("floor: raw DuckDB queries on the same events", flush=True)
    floor_timings = floor(settings, landing, run_dir / "floor.duckdb")
    with duckdb.connect() as con:
        raw_events = con.execute(f"select count(*) from read_parquet('{landing}/events/*.parquet')").fetchone()[0]
    floor_seconds = sum(floor_timings.values())
    return {
        "scale": scale_name, "engine": settings.engine, "seed": seed, "raw_events": raw_events, "days": len(days),
        "customers": SCALES[scale_name].customers, "full": full, "daily": daily, "trigger": trigger,
        "floor": floor_timings, "floor_seconds": round(floor_seconds, 1),
        "floor_ratio": round(full["wall_seconds"] / floor_seconds, 2),
        "warehouse_mib": round(_folder_size(settings.spark_dir / "warehouse" if settings.engine == "spark"
                                            else settings.warehouse_path) / 2**20),
        "published_mib": round(settings.published_path.stat().st_size / 2**20),
        "machine": machine(), "python": platform.python_version(), "duckdb": duckdb.__version__,
        "commit": commit(), "date": datetime.now(UTC).date().isoformat(),
    }


def _folder_size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def report(result: dict) -> str:
    full, daily = result["full"], result["daily"]
    lines = [f"scale {result['scale']} on {result.get('engine', 'duckdb')}: {result['raw_events']:,} raw events, "
             f"{result['customers']:,} customers, "
             f"{result['days']} days ({result['machine']}, commit {result['commit']})"]
    for name, stage in (("full build", full), ("daily incremental", daily), ("event trigger (file -> export)", result["trigger"])):
        lines.append(f"{name}: {stage['wall_seconds']:.1f} s wall, peak RSS {stage['peak_rss_mib']:,} MiB, "
                     f"dbt model time {stage['dbt_model_seconds']:.1f} s, dbt test time {stage['dbt_test_seconds']:.1f} s")
        lines += [f"  step {step:<40}{seconds:>8.1f} s" for step, seconds in stage["steps"].items()]
        lines += [f"  model {model:<39}{seconds:>8.2f} s" for model, seconds in stage["slowest_models"]]
        lines += [f"  test {test:<40}{seconds:>8.2f} s" for test, seconds in stage.get("slowest_tests", [])]
    lines.append(f"daily / full: {daily['wall_seconds'] / full['wall_seconds']:.1%}")
    lines.append("floor: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["floor"].items())
                 + f"; full build / floor = {result['floor_ratio']:.1f}")
    lines.append(f"warehouse {result['warehouse_mib']:,} MiB, published copy {result['published_mib']:,} MiB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engagement_warehouse.benchmarks.pipeline", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-record", action="store_true", help="do not append a row to docs/benchmarks.md")
    parser.add_argument("--plot", action="store_true", help="only redraw docs/benchmarks_scaling.png from saved results")
    parser.add_argument("--stage", choices=("full", "daily", "trigger"), help=argparse.SUPPRESS)
    parser.add_argument("--stage-result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        materialise(args.stage, os.environ.get("EW_BENCH_LAST_DAY", ""), args.stage_result)
        return 0
    if args.plot:
        plot()
        return 0
    result = bench(args.scale, args.seed)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result_path = RESULTS_DIR / f"{args.scale}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    result_path.write_text(json.dumps(result, indent=2))
    print(report(result))
    print(f"result: {result_path}")
    if not args.no_record:
        record(result)
        print(f"appended a row to {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
