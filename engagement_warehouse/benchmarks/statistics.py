"""`python -m engagement_warehouse.benchmarks.statistics --customers 1000000`: time the CLV fits and predictions.

Draws customers and orders from the generator's planted BG/NBD and Gamma-Gamma processes over
one year, then times what the `customer_clv_predictions` asset computes: both fits, P(alive),
expected purchases, expected spend and discounted CLV for every buyer.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import datetime, timezone

import numpy as np

from engagement_warehouse.generator import population
from engagement_warehouse.generator.truth import PlantedTruth
from engagement_warehouse.statistics import bg_nbd, clv, gamma_gamma


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def purchase_histories(customers: int, days: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(frequency, recency, age, mean repeat spend) per buyer, in weeks, from the generator's processes."""
    window = population.Window(int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()), days)
    rng = np.random.default_rng(seed)
    orders = population.simulate_orders(rng, population.simulate_customers(rng, customers, window), PlantedTruth(), window)
    buyers, first, count = np.unique(orders.customer, return_index=True, return_counts=True)
    last = first + count - 1
    frequency = count - 1
    repeat_spend = np.bincount(np.searchsorted(buyers, orders.customer), weights=orders.amount_usd) - orders.amount_usd[first]
    mean_spend = np.divide(repeat_spend, frequency, out=np.zeros(len(buyers)), where=frequency > 0)
    return (frequency, (orders.ordered_at[last] - orders.ordered_at[first]) / population.WEEK,
            (window.end - orders.ordered_at[first]) / population.WEEK, mean_spend)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engagement_warehouse.benchmarks.statistics")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    x, t_x, big_t, spend = purchase_histories(args.customers, args.days, args.seed)
    print(f"{args.customers:,} customers -> {len(x):,} buyers ({int((x > 0).sum()):,} repeat) drawn in "
          f"{time.perf_counter() - started:.1f} s, peak RSS {_peak_rss_mib():.0f} MiB")

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
    bg_nbd.expected_purchases(purchases, 36 * clv.WEEKS_PER_MONTH, x, t_x, big_t)
    gamma_gamma.expected_mean_spend(spend_params, x, spend)
    clv.predictive_clv(purchases, spend_params, x, t_x, big_t, spend, horizon_months=36, monthly_discount_rate=0.01, margin=0.8)
    timings["predict (P(alive), 36-month purchases, spend, CLV)"] = time.perf_counter() - clock

    for name, seconds in timings.items():
        print(f"  {name:<55} {seconds:7.2f} s")
    print(f"  {'fit + predict':<55} {sum(timings.values()):7.2f} s, peak RSS {_peak_rss_mib():.0f} MiB")
    print("  BG/NBD " + ", ".join(f"{k}={v:.3f}±{purchase_fit.standard_errors[k]:.3f}" for k, v in purchase_fit.params.items())
          + " (planted r=0.75, alpha=5, a=0.8, b=2.4)")
    print("  Gamma-Gamma " + ", ".join(f"{k}={v:.2f}±{spend_fit.standard_errors[k]:.2f}" for k, v in spend_fit.params.items())
          + " (planted p=6, q=3.8, gamma=15)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
