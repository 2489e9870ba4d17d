"""Shifted-beta-geometric (sBG) retention model: Fader & Hardie (2007), "How to Project Customer
Retention", Journal of Interactive Marketing 21(1), 76-90; discounted expected residual lifetime
from Fader & Hardie (2010), "Customer-Base Valuation in a Contractual Setting: The Perils of
Ignoring Heterogeneity", Marketing Science 29(1), 85-93.

Each subscriber churns at the end of any period with probability θ ~ Beta(α, β). Input: the
number of a cohort's customers still active at the end of periods 0, 1, ..., n.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, hyp2f1

from engagement_warehouse.statistics.fitting import FitResult, ModelParams, fit_log_parameters


@dataclass(frozen=True)
class SbgParams(ModelParams):
    alpha: float
    beta: float

def churn_probability(params: SbgParams, period) -> np.ndarray:
    """P(T = t) = B(α + 1, β + t − 1) / B(α, β), t = 1, 2, ... (FH 2007 eq. 5)."""
    t = np.asarray(period, dtype=float)
    return np.exp(betaln(params.alpha + 1, params.beta + t - 1) - betaln(params.alpha, params.beta))


def survival(params: SbgParams, period) -> np.ndarray:
    """S(t) = B(α, β + t) / B(α, β): share of a cohort still active after t periods (FH 2007 eq. 6)."""
    t = np.asarray(period, dtype=float)
    return np.exp(betaln(params.alpha, params.beta + t) - betaln(params.alpha, params.beta))


def retention_rate(params: SbgParams, period) -> np.ndarray:
    """r(t) = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1), rising with t (FH 2007 eq. 8)."""
    t = np.asarray(period, dtype=float)
    return (params.beta + t - 1) / (params.alpha + params.beta + t - 1)


def survivors_to_lifetimes(active_at_period_end) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A cohort's [n_0, n_1, ..., n_k] as (periods, churned, count) rows: n_{t−1} − n_t churned in
    period t, and n_k still active after k periods (right-censored)."""
    counts = np.asarray(active_at_period_end, dtype=float)
    if counts.ndim != 1 or len(counts) < 2:
        raise ValueError("need the cohort size and at least one later period: [n_0, n_1, ...]")
    if (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError("survivor counts must be whole numbers >= 0")
    if (np.diff(counts) > 0).any():
        raise ValueError(f"survivor counts cannot rise; got {counts.astype(int).tolist()} "
                         "(count each cohort member once, by their first paid period)")
    k = len(counts) - 1
    periods = np.append(np.arange(1, k + 1), k)
    churned = np.append(np.ones(k, bool), False)
    return periods, churned, np.append(counts[:-1] - counts[1:], counts[-1])


def log_likelihood(params: SbgParams, periods, churned, count) -> float:
    """Σ count · ln P(T = t) for churn in period t, plus count · ln S(t) for those still active after t
    periods (FH 2007 eq. 7, written per duration so cohorts that joined at different times can be
    pooled with their own censoring)."""
    t = np.asarray(periods, dtype=float)
    per_row = np.where(np.asarray(churned, bool), np.log(churn_probability(params, np.maximum(t, 1))), np.log(survival(params, t)))
    return float(np.dot(np.asarray(count, dtype=float), per_row))


def fit_lifetimes(periods, churned, count, start: SbgParams = SbgParams(1.0, 1.0)) -> FitResult:
    """Maximum-likelihood (α, β) from subscribers' paid periods: ``churned`` rows ended in period
    ``periods`` (>= 1); the others have renewed ``periods`` times and are still active."""
    t, lost, n = np.asarray(periods, dtype=float), np.asarray(churned, bool), np.asarray(count, dtype=float)
    if not (t.shape == lost.shape == n.shape) or len(t) == 0:
        raise ValueError("periods, churned and count must be non-empty and of the same length")
    if (n < 0).any() or (t < 0).any() or (t[lost] < 1).any() or (t != np.round(t)).any():
        raise ValueError("periods must be whole numbers (>= 1 for churned rows) and counts >= 0")
    churned_total = n[lost].sum()
    renewed_total = n[(~lost & (t >= 1)) | (lost & (t >= 2))].sum()
    if churned_total == 0 or renewed_total == 0:
        raise ValueError(f"the sBG parameters are not identified: need both churn and renewals "
                         f"(subscribers who churned: {int(churned_total)}, who renewed at least once: {int(renewed_total)})")

    return fit_log_parameters(negative_log_likelihood(t, lost, n), SbgParams.names(), start.values(), int(n.sum()),
                              "shifted-beta-geometric")


def negative_log_likelihood(periods, churned, count):
    """−log_likelihood and its exact gradient in (α, β), as a function of the parameters. With
    ∂ln B(u, v)/∂u = ψ(u) − ψ(u + v):
      churned in period t: ∂/∂α = ψ(α + 1) − ψ(α) − ψ(α + β + t) + ψ(α + β),
                           ∂/∂β = ψ(β + t − 1) − ψ(β) − ψ(α + β + t) + ψ(α + β);
      active after t:      ∂/∂α = ψ(α + β) − ψ(α + β + t),  ∂/∂β = ψ(β + t) − ψ(β) − ψ(α + β + t) + ψ(α + β).
    """
    t, lost, n = np.asarray(periods, dtype=float), np.asarray(churned, bool), np.asarray(count, dtype=float)

    def evaluate(params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = params
        common = digamma(alpha + beta) - digamma(alpha + beta + t)
        d_alpha = common + np.where(lost, digamma(alpha + 1) - digamma(alpha), 0.0)
        d_beta = common + np.where(lost, digamma(beta + np.maximum(t, 1) - 1), digamma(beta + t)) - digamma(beta)
        return -log_likelihood(SbgParams(alpha, beta), t, lost, n), -np.array([n @ d_alpha, n @ d_beta])

    return evaluate


def fit(active_at_period_end, start: SbgParams = SbgParams(1.0, 1.0)) -> FitResult:
    """Maximum-likelihood (α, β) for one cohort's survivor counts [n_0, n_1, ..., n_k]."""
    return fit_lifetimes(*survivors_to_lifetimes(active_at_period_end), start=start)


def discounted_expected_residual_lifetime(params: SbgParams, renewals, discount_rate) -> np.ndarray:
    """DERL for a customer who has renewed ``renewals`` times (n − 1 in FH 2010), just before the next decision.

    DERL = (β + n − 1) / (α + β + n − 1) · ₂F₁(1, β + n; α + β + n; 1/(1 + d)) (FH 2010 eq. 6), in
    periods: the expected number of further payments, each discounted at ``discount_rate`` per
    period, the next one undiscounted. Multiply by the margin-adjusted price for a predictive CLV.
    """
    if np.any(np.asarray(discount_rate) <= 0):
        raise ValueError(f"discount_rate must be > 0 per period (the sum diverges otherwise); got {discount_rate}")
    n = np.asarray(renewals, dtype=float) + 1
    alpha, beta, d = np.asarray(params.alpha, dtype=float), np.asarray(params.beta, dtype=float), np.asarray(discount_rate, dtype=float)
    return (beta + n - 1) / (alpha + beta + n - 1) * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d))
