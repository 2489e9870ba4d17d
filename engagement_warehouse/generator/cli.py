"""Command line: ``python -m engagement_warehouse.generator --customers N --days D --seed S --out DIR``."""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from engagement_warehouse.generator import faults, population
from engagement_warehouse.generator.events import EventSimulator, build_anchors
from engagement_warehouse.generator.feedback import FeedbackTexts, FeedbackTrend
from engagement_warehouse.generator.landing import LandingTables
from engagement_warehouse.generator.reference import load_plans, load_usd_per_unit
from engagement_warehouse.generator.truth import PlantedTruth
from engagement_warehouse.generator.writer import LoadWriter
from engagement_warehouse.settings import PRIVACY_TABLES, RAW_TABLES, WarehouseSettings

MANIFEST_DIR = "_generator"


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def _float_in(kind: str, example: str, low: float, high: float, low_open: bool, high_open: bool):
    """An argparse type accepting a number in the interval, with an error that names the interval."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind} such as {example}, got {text!r}") from None
        if (value <= low if low_open else value < low) or (value >= high if high_open else value > high):
            interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            raise argparse.ArgumentTypeError(f"expected a {kind} in {interval}, got {value}")
        return value
    return parse


_rate = _float_in("probability", "0.01", 0.0, 0.5, low_open=False, high_open=True)
_activity = _float_in("multiplier", "0.5", 0.0, 4.0, low_open=True, high_open=False)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engagement_warehouse.generator",
        description="Generate realistic, deterministic, dirty landing data (one parquet file per table per daily load).",
    )
    parser.add_argument("--customers", type=_positive_int, default=10_000, help="customers who sign up (default 10000)")
    parser.add_argument("--days", type=_positive_int, default=90, help="days of data (default 90)")
    parser.add_argument("--seed", type=int, default=42, help="random seed; same seed, same files (default 42)")
    parser.add_argument("--start-date", type=_date, default=date(2026, 6, 1), help="first day, YYYY-MM-DD (default 2026-06-01)")
    parser.add_argument("--out", type=Path, default=None, help="landing folder (default: $EW_LANDING_DIR or <project>/data/landing)")
    parser.add_argument("--fault-rate", type=_rate, default=0.01,
                        help="probability per row and fault class of a faulty copy (default 0.01)")
    parser.add_argument("--late-rate", type=_rate, default=0.02, help="share of events landing 1-3 days late (default 0.02)")
    parser.add_argument("--out-of-order-rate", type=_rate, default=0.02, help="share of events received out of order (default 0.02)")
    parser.add_argument("--visitors-per-customer", type=float, default=1.0,
                        help="anonymous visitors who never sign up, per customer (default 1.0)")
    parser.add_argument("--activity", type=_activity, default=1.0,
                        help="multiplier on every customer's daily visit probability; scales events per customer (default 1.0)")
    parser.add_argument("--erasure-rate", type=_rate, default=0.002,
                        help="share of customers who request erasure (default 0.002)")
    parser.add_argument("--force", action="store_true", help="replace an existing landing folder")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    return parser


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


BILLING_CHANGES = ("created", "renewed", "reactivated")


def _add_billed_cents(totals: dict[str, int], subscriptions: pa.Table) -> None:
    change, status = subscriptions["change_type"].to_numpy(zero_copy_only=False), subscriptions["status"].to_numpy(zero_copy_only=False)
    billed = np.isin(change, BILLING_CHANGES) & (status == "active")
    cents = np.round(subscriptions["amount"].to_numpy(zero_copy_only=False)[billed] * 100).astype(np.int64)
    currency = subscriptions["currency"].to_numpy(zero_copy_only=False)[billed]
    for code in np.unique(currency):
        totals[code] = totals.get(code, 0) + int(cents[currency == code].sum())


def generate(out: Path, customers: int, days: int, seed: int, start_date: date, fault_rate: float = 0.01,
             late_rate: float = 0.02, out_of_order_rate: float = 0.02, visitors_per_customer: float = 1.0,
             activity: float = 1.0, erasure_rate: float = 0.0, progress=print) -> dict:
    """Write all raw tables under ``out`` plus ``truth.json``; returns the truth document."""
    started = time.perf_counter()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    rng_population, rng_events, rng_landing, rng_faults, rng_privacy, rng_feedback = streams
    truth = PlantedTruth()
    plans, usd_per_unit = load_plans(), load_usd_per_unit()
    window = population.Window(int(datetime(start_date.year, start_date.month, start_date.day, tzinfo=UTC).timestamp()), days)

    people = population.simulate_customers(rng_population, customers, window)
    orders = population.simulate_orders(rng_population, people, truth, window)
    subscriptions = population.simulate_subscriptions(rng_population, people, plans, truth, window)
    surveys = population.simulate_surveys(rng_population, people, truth, window)
    reviews = population.simulate_reviews(rng_population, people, window)
    feedback = FeedbackTexts(rng_feedback, FeedbackTrend.for_window(start_date, days))
    landing = LandingTables(rng_landing, window, people, orders, subscriptions, surveys, reviews, plans, usd_per_unit, feedback)
    simulator = EventSimulator(rng_events, people, build_anchors(people, subscriptions, orders), window,
                               visitors_per_customer, late_rate, out_of_order_rate, activity)
    writer = LoadWriter(out, start_date, days)
    injected = {table: {} for table in RAW_TABLES}
    clean_rows = {table: 0 for table in RAW_TABLES}
    billed_cents: dict[str, int] = {}
    erased_ids = _add_erasure_requests(writer, rng_privacy, people, window, erasure_rate)
    erased_rows = {table: 0 for table in RAW_TABLES}
    report_every = max(1, days // 10)

    for d in range(days):
        day_tables = {name: getattr(landing, name)(d) for name in RAW_TABLES if name != "events"}
        events, received = simulator.day(d, landing.order_ids)
        order = np.argsort(received, kind="stable")  # a collector writes in arrival order
        day_tables["events"] = events.take(pa.array(order))
        _add_billed_cents(billed_cents, day_tables["subscriptions"])
        for name in RAW_TABLES:
            rows = day_tables[name]
            load_day = window.day_of(received[order]) if name == "events" else np.full(rows.num_rows, d)
            clean_rows[name] += rows.num_rows
            if "customer_id" in rows.column_names:
                erased_rows[name] += int(pa.compute.sum(pa.compute.is_in(rows["customer_id"], value_set=erased_ids)).as_py() or 0)
            rows, load_day = faults.inject(rng_faults, name, rows, load_day, fault_rate, injected[name])
            writer.add(name, rows, load_day)
        writer.flush(d)
        if (d + 1) % report_every == 0 or d + 1 == days:
            progress(f"  day {d + 1}/{days}: {simulator.truth.events:,} clean events, "
                     f"{time.perf_counter() - started:.1f} s, peak RSS {_peak_rss_mib():.0f} MiB")

    document = {
        "generator": {"customers": customers, "days": days, "seed": seed, "start_date": start_date.isoformat(),
                      "fault_rate": fault_rate, "late_rate": late_rate, "out_of_order_rate": out_of_order_rate,
                      "visitors_per_customer": visitors_per_customer, "activity": activity, "erasure_rate": erasure_rate},
        "planted": {**truth.as_dict(), "feedback": feedback.trend.as_dict()},
        "clean_rows": clean_rows,
        "raw_rows": dict(writer.rows_written),
        "injected_faults": injected,
        "events": asdict(simulator.truth),
        # Subscription payments (paid creations, renewals incl. trial conversions, reactivations),
        # in whole cents of the local currency, as landed before any fault was injected.
        "billed_cents_by_currency": dict(sorted(billed_cents.items())),
        # Customers who asked to be erased, and their clean rows per table (staging marks them erased).
        "erased_customers": len(erased_ids),
        "erased_rows": erased_rows,
        "elapsed_seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
    }
    _write_manifest(out, injected)
    pq.write_table(feedback.truth_table(), out / MANIFEST_DIR / "feedback_truth.parquet")
    (out / "truth.json").write_text(json.dumps(document, indent=2, default=float))
    return document


def _add_erasure_requests(writer: LoadWriter, rng: np.random.Generator, people: population.Customers,
                          window: population.Window, erasure_rate: float) -> pa.Array:
    """Erasure requests of a share of customers, each landing on a day between signup and the end."""
    who = np.flatnonzero(rng.random(people.n) < erasure_rate)
    requested_at = people.signup_at[who] + (rng.random(len(who)) * (window.end - people.signup_at[who])).astype(np.int64)
    ids = pa.array([f"cus_{c}" for c in who], pa.string())
    writer.add(PRIVACY_TABLES[0], pa.table({
        "request_id": pa.array([f"era_{i}" for i in range(len(who))], pa.string()),
        "customer_id": ids,
        "requested_at": pa.array((requested_at * 1000).astype("datetime64[ms]"), pa.timestamp("ms", tz="UTC")),
    }), window.day_of(requested_at))
    return ids


def _write_manifest(out: Path, injected: dict[str, dict[str, int]]) -> None:
    """The injected-fault counts as a table, for the warehouse's reconciliation test to read."""
    rows = [(table, fault_class, faults.fault_classes(faults.SHAPES[table])[fault_class], count)
            for table, counts in injected.items() for fault_class, count in sorted(counts.items())]
    folder = out / MANIFEST_DIR
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({
        "table_name": [r[0] for r in rows],
        "fault_class": [r[1] for r in rows],
        "expected_outcome": [r[2] for r in rows],
        "injected_rows": pa.array([r[3] for r in rows], pa.int64()),
    }), folder / "injected_faults.parquet")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = (args.out or WarehouseSettings.from_env().landing_dir).expanduser().resolve()
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"error: {out} is not empty; pass --force to replace it, or choose another --out.", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    progress = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, flush=True))
    progress(f"generating {args.customers:,} customers x {args.days} days (seed {args.seed}) into {out}")
    document = generate(out, args.customers, args.days, args.seed, args.start_date, args.fault_rate, args.late_rate,
                        args.out_of_order_rate, args.visitors_per_customer, args.activity, args.erasure_rate, progress)
    progress(f"done in {document['elapsed_seconds']} s, peak RSS {document['peak_rss_mib']} MiB; "
             f"raw rows: " + ", ".join(f"{t}={n:,}" for t, n in document["raw_rows"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
