"""Net Promoter Score and CSAT with confidence intervals, as defined in SPEC §3.

NPS interval: adjusted Wald of Rocks (2016), "Interval Estimation for the 'Net Promoter Score'",
The American Statistician 70(4): add 3 to n and 3/4 to both promoters and detractors, then
Var = ((p₊ + p₋) − (p₊ − p₋)²) / n'. CSAT interval: Wilson score interval for a proportion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri  # the normal quantile; scipy.stats takes 2 s to import

SMALL_SAMPLE = 30


@dataclass(frozen=True)
class NpsResult:
    nps: float  # −100..100, from the raw shares
    lower: float  # 95% adjusted-Wald bounds, clipped to −100..100
    upper: float
    n: int
    promoters: int
    passives: int
    detractors: int
    small_sample: bool  # n < 30: report, but do not rank on it


@dataclass(frozen=True)
class CsatResult:
    csat: float  # share of answers scoring 4 or 5, 0..1
    lower: float  # Wilson bounds
    upper: float
    n: int
    satisfied: int
    small_sample: bool


def _scores(scores, low: int, high: int, survey: str) -> np.ndarray:
    values = np.asarray(scores, dtype=float)
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < low) | (values > high)
    if bad.any():
        raise ValueError(f"{survey} scores must be whole numbers {low}..{high}; got {values[bad][:5].tolist()} "
                         f"({int(bad.sum())} invalid). Staging quarantines these as score_out_of_range.")
    if len(values) == 0:
        raise ValueError(f"no {survey} answers: an empty group has no score")
    return values


def _adjusted_wald(promoters, detractors, n) -> tuple[np.ndarray, np.ndarray]:
    """Centre (p₊ − p₋) and variance of the adjusted-Wald NPS estimate, on the −1..1 scale."""
    promoters, detractors, n = (np.asarray(v, dtype=float) for v in (promoters, detractors, n))
    adjusted_n = n + 3
    p_plus, p_minus = (promoters + 0.75) / adjusted_n, (detractors + 0.75) / adjusted_n
    centre = p_plus - p_minus
    return centre, ((p_plus + p_minus) - centre ** 2) / adjusted_n


def nps_interval(promoters, detractors, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted-Wald bounds on the −100..100 scale, vectorised over groups (clipped to −100..100)."""
    centre, variance = _adjusted_wald(promoters, detractors, n)
    half_width = ndtri(0.5 + confidence / 2) * np.sqrt(variance)
    return np.clip(100.0 * (centre - half_width), -100.0, 100.0), np.clip(100.0 * (centre + half_width), -100.0, 100.0)


def nps_difference_interval(promoters_a, detractors_a, n_a, promoters_b, detractors_b, n_b,
                            confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on NPS(a) − NPS(b) for two independent groups, −200..200: the adjusted-Wald centres' difference
    ± z·√(Var a + Var b) (Rocks 2016, section 4, for a difference of two scores)."""
    centre_a, variance_a = _adjusted_wald(promoters_a, detractors_a, n_a)
    centre_b, variance_b = _adjusted_wald(promoters_b, detractors_b, n_b)
    half_width = ndtri(0.5 + confidence / 2) * np.sqrt(variance_a + variance_b)
    difference = centre_a - centre_b
    return np.clip(100.0 * (difference - half_width), -200.0, 200.0), np.clip(100.0 * (difference + half_width), -200.0, 200.0)


def nps(scores, confidence: float = 0.95) -> NpsResult:
    """NPS of 0–10 answers (one per respondent: pass each respondent's latest answer in the period)."""
    values = _scores(scores, 0, 10, "NPS")
    n = len(values)
    promoters, detractors = int((values >= 9).sum()), int((values <= 6).sum())
    lower, upper = nps_interval(promoters, detractors, n, confidence)
    return NpsResult(
        nps=100.0 * (promoters - detractors) / n, lower=float(lower), upper=float(upper),
        n=n, promoters=promoters, passives=n - promoters - detractors, detractors=detractors,
        small_sample=n < SMALL_SAMPLE,
    )


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval for a binomial proportion, vectorised over groups."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    z = ndtri(0.5 + confidence / 2)
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half_width = z / (1 + z * z / n) * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    # The interval lies in [0, 1] and contains the observed share; clamping only undoes rounding
    # (10 of 10 gave an upper bound of 0.9999999999999999 < 1, 0 of 3 a lower bound below 0).
    return np.clip(np.minimum(centre - half_width, share), 0, 1), np.clip(np.maximum(centre + half_width, share), 0, 1)


def csat(scores, confidence: float = 0.95) -> CsatResult:
    """CSAT of 1–5 answers: share scoring 4 or 5."""
    values = _scores(scores, 1, 5, "CSAT")
    n, satisfied = len(values), int((values >= 4).sum())
    lower, upper = wilson_interval(satisfied, n, confidence)
    return CsatResult(csat=satisfied / n, lower=float(lower), upper=float(upper), n=n, satisfied=satisfied,
                      small_sample=n < SMALL_SAMPLE)
