"""Predictive customer lifetime value for non-contractual purchases: BG/NBD × Gamma-Gamma, discounted.

Fader, Hardie & Lee (2005, JMR) value a customer as expected purchases times expected spend;
following their iso-value paper and common practice (lifetimes' ``customer_lifetime_value``),
the horizon is cut into months and each month's expected purchases, E[Y(m)] − E[Y(m − 1)], is
discounted to today at a monthly rate.
"""

from __future__ import annotations

import numpy as np

from engagement_warehouse.statistics import bg_nbd, gamma_gamma

WEEKS_PER_MONTH = 365.25 / 12 / 7


def predictive_clv(purchase_params: bg_nbd.BgNbdParams, spend_params: gamma_gamma.GammaGammaParams,
                   frequency, recency, age, mean_spend, horizon_months: int = 12,
                   monthly_discount_rate: float = 0.01, margin: float = 1.0,
                   periods_per_month: float = WEEKS_PER_MONTH) -> np.ndarray:
    """Σ_{m=1..H} (E[Y(m)] − E[Y(m−1)]) · E(M | x, m_x) · margin / (1 + d)^m per customer.

    ``frequency``, ``recency`` and ``age`` are in the BG/NBD time unit; ``periods_per_month``
    converts months to that unit (weeks by default).
    """
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be >= 1; got {horizon_months}")
    if monthly_discount_rate < 0:
        raise ValueError(f"monthly_discount_rate must be >= 0; got {monthly_discount_rate}")
    x, t_x, big_t = bg_nbd.validate_rfm(frequency, recency, age)
    spend = gamma_gamma.expected_mean_spend(spend_params, x, mean_spend)
    months = np.arange(1, horizon_months + 1)
    purchases_by_month_end = bg_nbd.expected_purchases_if_alive(purchase_params, months * periods_per_month, x, big_t)
    discounted, before = np.zeros_like(x), np.zeros_like(x)
    for month, cumulative in zip(months, purchases_by_month_end, strict=True):
        discounted += (cumulative - before) / (1.0 + monthly_discount_rate) ** month
        before = cumulative
    return margin * spend * discounted * bg_nbd.probability_alive(purchase_params, x, t_x, big_t)
