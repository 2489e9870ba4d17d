"""BG/NBD purchase model: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way:
An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.

A customer buys at rate λ ~ Gamma(r, α) while alive and, after each repeat purchase, drops
out with probability p ~ Beta(a, b). Inputs per customer: frequency x (repeat purchases),
recency t_x (time of the last purchase, from the first) and age T (first purchase to the end
of calibration), all in one time unit (weeks for CDNOW).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.special import betaln, digamma, gammaln, hyp2f1

from engagement_warehouse.statistics.fitting import FitResult, ModelParams, fit_log_parameters


@dataclass(frozen=True)
class BgNbdParams(ModelParams):
    r: float
    alpha: float
    a: float
    b: float

def validate_rfm(frequency: np.ndarray, recency: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As float arrays; raises ValueError naming the first rule a row breaks."""
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
    if not (x.shape == t_x.shape == big_t.shape):
        raise ValueError("frequency, recency and age must have the same length")
    if len(x) == 0:
        raise ValueError("no customers to fit")
    checks = [
        (np.isfinite(x) & np.isfinite(t_x) & np.isfinite(big_t), "values must be finite"),
        ((x >= 0) & (x == np.round(x)), "frequency must be a whole number >= 0"),
        ((t_x >= 0) & (t_x <= big_t + 1e-9), "recency must lie in [0, age]"),
        ((x > 0) | (t_x == 0), "recency must be 0 when frequency is 0"),
        (big_t > 0, "age must be > 0"),
    ]
    for ok, rule in checks:
        if not ok.all():
            row = int(np.flatnonzero(~ok)[0])
            raise ValueError(f"{rule}; row {row} has frequency={x[row]}, recency={t_x[row]}, age={big_t[row]}")
    return x, t_x, big_t


def log_likelihood(params: BgNbdParams, frequency, recency, age) -> np.ndarray:
    """Per-customer log-likelihood, FHL (2005) eq. 6: ln A1 + ln A2 + ln(A3 + δ(x>0)·A4)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
    ln_a1_a2 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    ln_a3 = -(r + x) * np.log(alpha + big_t)
    repeat = x > 0
    ln_a4 = np.full_like(x, -np.inf)
    ln_a4[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    return ln_a1_a2 + np.logaddexp(ln_a3, ln_a4)


def negative_log_likelihood(frequency, recency, age):
    """−Σ log_likelihood and its exact gradient in (r, α, a, b), as a function of the parameters.

    The terms that depend on a customer only through x (ln Γ(r + x), ln B(a, b + x) and their digammas) are
    computed once per distinct x, which is what makes an evaluation on a million customers cheap. With
    w = A4 / (A3 + A4), the share of the likelihood that says "dropped out after the last purchase":
      ∂/∂r = ψ(r + x) − ψ(r) + ln α − (1 − w) ln(α + T) − w ln(α + t_x)
      ∂/∂α = r/α − (r + x)((1 − w)/(α + T) + w/(α + t_x))
      ∂/∂a = ψ(a + b) − ψ(a + b + x) + w/a
      ∂/∂b = ψ(b + x) − ψ(a + b + x) − ψ(b) + ψ(a + b) − w/(b + x − 1)
    """
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, age))
    levels, level_of = np.unique(x, return_inverse=True)
    per_level = np.bincount(level_of).astype(float)
    n, repeat, repeat_levels = float(len(x)), x > 0, levels > 0

    def evaluate(params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = params
        inverse_b_x_1 = np.zeros_like(levels)
        inverse_b_x_1[repeat_levels] = 1.0 / (b + levels[repeat_levels] - 1)
        ln_alpha_big_t, ln_alpha_t_x = np.log(alpha + big_t), np.log(alpha + t_x)
        ln_a3 = -(r + x) * ln_alpha_big_t
        ln_a4 = np.where(repeat, np.log(a) + np.log(inverse_b_x_1[level_of], where=repeat, out=np.ones_like(x))
                         - (r + x) * ln_alpha_t_x, -np.inf)
        ln_a3_a4 = np.logaddexp(ln_a3, ln_a4)
        w = np.exp(ln_a4 - ln_a3_a4)
        digamma_a_b_x = digamma(a + b + levels)
        value = (per_level @ (gammaln(r + levels) + betaln(a, b + levels))
                 + n * (r * np.log(alpha) - betaln(a, b) - gammaln(r)) + ln_a3_a4.sum())
        gradient = np.array([
            per_level @ digamma(r + levels) + n * (np.log(alpha) - digamma(r))
            - ((1 - w) @ ln_alpha_big_t + w @ ln_alpha_t_x),
            n * r / alpha - (r + x) @ ((1 - w) / (alpha + big_t) + w / (alpha + t_x)),
            n * digamma(a + b) - per_level @ digamma_a_b_x + w.sum() / a,
            per_level @ (digamma(b + levels) - digamma_a_b_x) - n * (digamma(b) - digamma(a + b))
            - w @ inverse_b_x_1[level_of],
        ])
        return -float(value), -gradient

    return evaluate


def fit(frequency, recency, age, start: BgNbdParams = BgNbdParams(1.0, 1.0, 1.0, 1.0)) -> FitResult:
    """Maximum-likelihood estimates of (r, α, a, b) with standard errors, on the exact gradient."""
    x, t_x, big_t = validate_rfm(frequency, recency, age)
    return fit_log_parameters(negative_log_likelihood(x, t_x, big_t), BgNbdParams.names(), start.values(), len(x), "BG/NBD")


def _delta_repeat_term(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    """(a / (b + x − 1)) · ((α + T) / (α + t_x))^(r + x) for x > 0, else 0 (FHL 2005 eq. 10 and 11)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    term = np.zeros_like(x)
    repeat = x > 0
    term[repeat] = a / (b + x[repeat] - 1) * np.exp((r + x[repeat]) * (np.log(alpha + big_t[repeat]) - np.log(alpha + t_x[repeat])))
    return term


def probability_alive(params: BgNbdParams, frequency, recency, age) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (FHL 2005 eq. 11)."""
    x, t_x, big_t = validate_rfm(frequency, recency, age)
    return 1.0 / (1.0 + _delta_repeat_term(params, x, t_x, big_t))


def expected_purchases(params: BgNbdParams, horizon, frequency, recency, age) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``horizon`` time units (FHL 2005 eq. 10)."""
    x, t_x, big_t = validate_rfm(frequency, recency, age)
    (if_alive,) = expected_purchases_if_alive(params, [horizon], x, big_t)
    return if_alive / (1.0 + _delta_repeat_term(params, x, t_x, big_t))


# Purchase counts shared by more (customer, horizon) pairs than this get a spline of the hypergeometric term over
# this many points instead of one ₂F₁ per pair (relative error below 1e-11 at 1M customers; the spline costs 1,024 ₂F₁).
SPLINE_POINTS = 1024


def _log_discounted_tail(params: BgNbdParams, frequency: float, log_remaining: np.ndarray) -> np.ndarray:
    """log(((α + T)/(α + T + t))^(r + x) · ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))) as a function of
    w = log((α + T)/(α + T + t)), so z = 1 − e^w. The ₂F₁ grows about as (1 − z)^−x = e^(−x·w), so the log is nearly
    straight in w and a cubic spline follows it closely."""
    r, a, b = params.r, params.a, params.b
    return (r + frequency) * log_remaining + np.log(hyp2f1(r + frequency, b + frequency, a + b + frequency - 1,
                                                           -np.expm1(log_remaining)))


def expected_purchases_if_alive(params: BgNbdParams, horizons, frequency, age) -> Iterator[np.ndarray]:
    """E[Y(t) | x, T, alive at T] for each t in ``horizons`` (FHL 2005 eq. 10 without its P(alive) factor, which
    depends on neither t nor the parameters of t): (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) ·
    ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))]. Inputs as validated by validate_rfm.

    ₂F₁ is most of the cost (70 ns per value at z = 0.1, 2 µs at z = 0.95), and the bracket depends on a customer
    only through x and w = log((α + T)/(α + T + t)): customers with the same x share one function of w. Where a
    purchase count has more (customer, horizon) pairs than SPLINE_POINTS, that function is evaluated exactly on
    SPLINE_POINTS values of w spanning the group's range and read from a cubic spline (1M customers, 36 months:
    68 counts, 37 splines, 6 s → 1 s); rarer counts, and any group whose ₂F₁ is not finite, are evaluated exactly."""
    alpha, a, b = params.alpha, params.a, params.b
    x, big_t = np.asarray(frequency, dtype=float), np.asarray(age, dtype=float)
    horizons = [float(t) for t in horizons]
    order = np.argsort(x, kind="stable")
    groups = []
    for members in np.split(order, np.flatnonzero(np.diff(x[order])) + 1):
        count, age_of_members = float(x[members[0]]), big_t[members]
        tail = partial(_log_discounted_tail, params, count)
        shortest_remaining = np.log((alpha + age_of_members.min()) / (alpha + age_of_members.min() + max(horizons)))
        if len(members) * len(horizons) > SPLINE_POINTS and shortest_remaining < 0:
            grid = np.linspace(shortest_remaining, 0.0, SPLINE_POINTS)
            on_grid = tail(grid)
            if np.isfinite(on_grid).all():
                tail = CubicSpline(grid, on_grid)
        groups.append((members, (a + b + count - 1) / (a - 1), alpha + age_of_members, tail))
    for t in horizons:
        expected = np.empty_like(x)
        for members, scale, alpha_plus_age, tail in groups:
            expected[members] = -scale * np.expm1(tail(np.log(alpha_plus_age / (alpha_plus_age + t))))
        yield expected


def expected_purchases_new_customer(params: BgNbdParams, t) -> np.ndarray:
    """E[X(t)]: expected repeat purchases in (0, t] for a customer who made a first purchase at 0 (FHL 2005 eq. 7)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t = np.asarray(t, dtype=float)
    return (a + b - 1) / (a - 1) * (1.0 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
