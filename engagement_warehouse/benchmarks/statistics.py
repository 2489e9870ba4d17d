"""`python -m engagement_warehouse.benchmarks.statistics --customers 10000 100000 1000000 [--peer-python P]`.

Draws customers and orders from the generator's planted BG/NBD and Gamma-Gamma processes over
one year, then times what the `customer_clv_predictions` asset computes: both fits, P(alive),
expected purchases, expected spend and discounted 36-month CLV for every buyer — and, with
--peer-python, the same stages in the peer library lifetimes on the same histories.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from engagement_warehouse.generator import population
from engagement_warehouse.generator.truth import PlantedTruth
from engagement_warehouse.statistics import bg_nbd, clv, gamma_gamma


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def purchase_histories(customers: int, days: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(frequency, recency, age, mean repeat spend) per buyer, in weeks, from the generator's processes."""
    window = population.Window(int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()), days)
    rng = np.random.default_rng(seed)
    orders = population.simulate_orders(rng, population.simulate_customers(rng, customers, window), PlantedTruth(), window)
    buyers, first, count = np.unique(orders.customer, return_index=True, return_counts=True)
    last = first + count - 1
    frequency = count - 1
    repeat_spend = np.bincount(np.searchsorted(buyers, orders.customer), weights=orders.amount_usd) - orders.amount_usd[first]
    mean_spend = np.divide(repeat_spend, frequency, out=np.zeros(len(buyers)), where=frequency > 0)
    return (frequency, (orders.ordered_at[last] - orders.ordered_at[first]) / population.WEEK,
            (window.end - orders.ordered_at[first]) / population.WEEK, mean_spend)


HORIZON_MONTHS, MONTHLY_DISCOUNT_RATE, MARGIN = 36, 0.01, 0.8


def time_ours(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, spend: np.ndarray) -> tuple[dict[str, float], dict]:
    """Seconds per stage of what the `customer_clv_predictions` asset computes, and the fitted parameters."""
    timings = {}
    clock = time.perf_counter()
    purchase_fit = bg_nbd.fit(x, t_x, big_t)
    timings["BG/NBD fit"] = time.perf_counter() - clock
    clock = time.perf_counter()
    repeat = x > 0
    spend_fit = gamma_gamma.fit(x[repeat], spend[repeat])
    timings["Gamma-Gamma fit"] = time.perf_counter() - clock
    clock = time.perf_counter()
    purchases, spend_params = bg_nbd.BgNbdParams.from_fit(purchase_fit), gamma_gamma.GammaGammaParams.from_fit(spend_fit)
    bg_nbd.probability_alive(purchases, x, t_x, big_t)
    bg_nbd.expected_purchases(purchases, HORIZON_MONTHS * clv.WEEKS_PER_MONTH, x, t_x, big_t)
    gamma_gamma.expected_mean_spend(spend_params, x, spend)
    clv.predictive_clv(purchases, spend_params, x, t_x, big_t, spend, horizon_months=HORIZON_MONTHS,
                       monthly_discount_rate=MONTHLY_DISCOUNT_RATE, margin=MARGIN)
    timings["predict (P(alive), purchases, spend, CLV)"] = time.perf_counter() - clock
    return timings, {"bg_nbd": purchase_fit, "gamma_gamma": spend_fit}


def time_peer(peer_python: str, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, spend: np.ndarray) -> dict:
    """The same stages in lifetimes, run by its own interpreter on the same histories (lifetimes_peer.py)."""
    with tempfile.TemporaryDirectory() as folder:
        histories = Path(folder) / "histories.npz"
        np.savez(histories, frequency=x, recency=t_x, age=big_t, mean_spend=spend,
                 horizon_weeks=HORIZON_MONTHS * clv.WEEKS_PER_MONTH, horizon_months=HORIZON_MONTHS,
                 monthly_discount_rate=MONTHLY_DISCOUNT_RATE)
        done = subprocess.run([peer_python, str(Path(__file__).with_name("lifetimes_peer.py")), str(histories)],
                              capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engagement_warehouse.benchmarks.statistics")
    parser.add_argument("--customers", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--peer-python", help="an interpreter with lifetimes installed, to time it on the same histories")
    args = parser.parse_args(argv)

    for customers in args.customers:
        started = time.perf_counter()
        x, t_x, big_t, spend = purchase_histories(customers, args.days, args.seed)
        print(f"{customers:,} customers -> {len(x):,} buyers ({int((x > 0).sum()):,} repeat) drawn in "
              f"{time.perf_counter() - started:.1f} s")
        timings, fits = time_ours(x, t_x, big_t, spend)
        peer = time_peer(args.peer_python, x, t_x, big_t, spend) if args.peer_python else {}
        print(f"  {'stage':<45} {'ours':>9} {'lifetimes':>10}")
        for name, seconds in timings.items():
            print(f"  {name:<45} {seconds:8.2f}s {peer.get('timings', {}).get(name, float('nan')):9.2f}s")
        print(f"  {'fit + predict':<45} {sum(timings.values()):8.2f}s {sum(peer.get('timings', {}).values()) or float('nan'):9.2f}s"
              f"   peak RSS {_peak_rss_mib():.0f} MiB (ours)")
        if "error" in peer:
            print(f"  lifetimes failed: {peer['error']}")
        purchase_fit, spend_fit = fits["bg_nbd"], fits["gamma_gamma"]
        print("  BG/NBD " + ", ".join(f"{k}={v:.3f}±{purchase_fit.standard_errors[k]:.3f}" for k, v in purchase_fit.params.items())
              + " (planted r=0.75, alpha=5, a=0.8, b=2.4)"
              + ("; lifetimes " + ", ".join(f"{v:.3f}" for v in peer["bg_nbd"].values()) if "bg_nbd" in peer else ""))
        print("  Gamma-Gamma " + ", ".join(f"{k}={v:.2f}±{spend_fit.standard_errors[k]:.2f}" for k, v in spend_fit.params.items())
              + " (planted p=6, q=3.8, gamma=15)"
              + ("; lifetimes " + ", ".join(f"{v:.2f}" for v in peer["gamma_gamma"].values()) if "gamma_gamma" in peer else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
