"""Times the peer library `lifetimes` on the histories `engagement_warehouse.benchmarks.statistics` drew.

Run by the peer's own interpreter (`make bench-statistics` installs lifetimes into `.venv-peer`, never into the
project's environment): ``python lifetimes_peer.py histories.npz`` prints a JSON object of timings and estimates.
Imports nothing of this project, so the peer's numpy/scipy/pandas versions do not meet ours.
"""

import json
import sys
import time

import numpy as np


def main(path: str) -> None:
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    data = np.load(path)
    # pandas Series, as lifetimes' API takes them (its CLV needs their index)
    x, t_x, big_t, spend = (pd.Series(data[name]) for name in ("frequency", "recency", "age", "mean_spend"))
    timings = {}
    clock = time.perf_counter()
    purchases = BetaGeoFitter().fit(x, t_x, big_t)
    timings["BG/NBD fit"] = time.perf_counter() - clock
    clock = time.perf_counter()
    repeat = x > 0
    spending = GammaGammaFitter().fit(x[repeat], spend[repeat])
    timings["Gamma-Gamma fit"] = time.perf_counter() - clock
    clock = time.perf_counter()
    purchases.conditional_probability_alive(x, t_x, big_t)
    purchases.conditional_expected_number_of_purchases_up_to_time(float(data["horizon_weeks"]), x, t_x, big_t)
    spending.conditional_expected_average_profit(x, spend)
    # lifetimes counts months as 30 days; freq "W": the histories are in weeks
    spending.customer_lifetime_value(purchases, x, t_x, big_t, spend, time=int(data["horizon_months"]),
                                     discount_rate=float(data["monthly_discount_rate"]), freq="W")
    timings["predict (P(alive), purchases, spend, CLV)"] = time.perf_counter() - clock
    print(json.dumps({"timings": timings, "bg_nbd": dict(purchases.params_), "gamma_gamma": dict(spending.params_)}))


if __name__ == "__main__":
    main(sys.argv[1])
