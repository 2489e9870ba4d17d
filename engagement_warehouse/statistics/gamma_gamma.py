"""Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", JMR 42(4), and Fader & Hardie (2013), "The Gamma-Gamma Model of
Monetary Value" (note).

A customer's transaction values are Gamma(p, ν) around a mean p/ν, with ν ~ Gamma(q, γ) across
customers. Fitted on repeat buyers only: x repeat transactions with mean value m_x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from engagement_warehouse.statistics.fitting import FitResult, ModelParams, fit_log_parameters


@dataclass(frozen=True)
class GammaGammaParams(ModelParams):
    p: float
    q: float
    gamma: float

    @property
    def population_mean_spend(self) -> float:
        """E(M) = pγ / (q − 1), finite only for q > 1."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


def _validate(frequency, mean_spend) -> tuple[np.ndarray, np.ndarray]:
    x, m = np.asarray(frequency, dtype=float), np.asarray(mean_spend, dtype=float)
    if x.shape != m.shape:
        raise ValueError("frequency and mean_spend must have the same length")
    if len(x) == 0:
        raise ValueError("no repeat buyers to fit")
    ok = np.isfinite(x) & np.isfinite(m) & (x >= 1) & (m > 0)
    if not ok.all():
        row = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"the Gamma-Gamma model takes repeat buyers only (frequency >= 1, mean spend > 0); "
                         f"row {row} has frequency={x[row]}, mean_spend={m[row]}")
    return x, m


def log_likelihood(params: GammaGammaParams, frequency, mean_spend) -> np.ndarray:
    """Per-customer log-likelihood of the mean spend m_x over x transactions (Fader & Hardie 2013, eq. 3)."""
    p, q, gamma = params.p, params.q, params.gamma
    x, m = np.asarray(frequency, dtype=float), np.asarray(mean_spend, dtype=float)
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(gamma)
            + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(gamma + m * x))


def negative_log_likelihood(frequency, mean_spend):
    """−Σ log_likelihood and its exact gradient in (p, q, γ), as a function of the parameters; the gamma
    functions of p·x + q and p·x are computed once per distinct x:
      ∂/∂p = x(ψ(px + q) − ψ(px) + ln m_x + ln x − ln(γ + x·m_x))
      ∂/∂q = ψ(px + q) − ψ(q) + ln γ − ln(γ + x·m_x)
      ∂/∂γ = q/γ − (px + q)/(γ + x·m_x)
    """
    x, m = np.asarray(frequency, dtype=float), np.asarray(mean_spend, dtype=float)
    levels, level_of = np.unique(x, return_inverse=True)
    per_level = np.bincount(level_of).astype(float)
    n, ln_m, x_ln_x = float(len(x)), np.log(m), x * np.log(x)
    sum_ln_m, sum_x_ln_m, sum_x_ln_x, x_m = ln_m.sum(), x @ ln_m, x_ln_x.sum(), x * m

    def evaluate(params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, gamma = params
        ln_gamma_x_m = np.log(gamma + x_m)
        digamma_p_x_q = digamma(p * levels + q)
        value = (per_level @ (gammaln(p * levels + q) - gammaln(p * levels)) + n * (q * np.log(gamma) - gammaln(q))
                 + p * sum_x_ln_m - sum_ln_m + p * sum_x_ln_x - (p * x + q) @ ln_gamma_x_m)
        gradient = np.array([
            per_level @ (levels * (digamma_p_x_q - digamma(p * levels))) + sum_x_ln_m + sum_x_ln_x - x @ ln_gamma_x_m,
            per_level @ digamma_p_x_q + n * (np.log(gamma) - digamma(q)) - ln_gamma_x_m.sum(),
            n * q / gamma - ((p * x + q) / (gamma + x_m)).sum(),
        ])
        return -float(value), -gradient

    return evaluate


def fit(frequency, mean_spend, start: GammaGammaParams = GammaGammaParams(1.0, 1.0, 1.0)) -> FitResult:
    """Maximum-likelihood estimates of (p, q, γ) with standard errors, on the exact gradient."""
    x, m = _validate(frequency, mean_spend)
    return fit_log_parameters(negative_log_likelihood(x, m), GammaGammaParams.names(), start.values(), len(x), "Gamma-Gamma")


def expected_mean_spend(params: GammaGammaParams, frequency, mean_spend) -> np.ndarray:
    """E(M | x, m_x) = p(γ + x·m_x) / (p·x + q − 1); customers with x = 0 get the population mean pγ/(q − 1)."""
    p, q, gamma = params.p, params.q, params.gamma
    x, m = np.asarray(frequency, dtype=float), np.nan_to_num(np.asarray(mean_spend, dtype=float))
    return np.where(x > 0, p * (gamma + x * m) / (p * x + q - 1), params.population_mean_spend)
