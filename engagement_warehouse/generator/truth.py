"""Planted truth: the distributions customer behaviour is drawn from.

Recorded in ``truth.json`` beside the generated data so the statistics can be tested on
their ability to recover them (not on their own output).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class BgNbdTruth:
    """Fader, Hardie & Lee (2005) BG/NBD: lambda ~ Gamma(r, alpha), dropout p ~ Beta(a, b); time unit: week."""

    r: float = 0.75
    alpha: float = 5.0
    a: float = 0.8
    b: float = 2.4


@dataclass(frozen=True)
class GammaGammaTruth:
    """Fader, Hardie & Lee (2005 note) Gamma-Gamma: z ~ Gamma(p, nu), nu ~ Gamma(q, gamma); USD per order."""

    p: float = 6.0
    q: float = 3.8
    gamma: float = 15.0


@dataclass(frozen=True)
class SbgTruth:
    """Fader & Hardie (2007) shifted-beta-geometric: churn probability theta ~ Beta(alpha, beta) per renewal."""

    alpha: float
    beta: float


def _default_sbg() -> dict[str, SbgTruth]:
    return {
        "basic_monthly": SbgTruth(0.70, 1.20),
        "pro_monthly": SbgTruth(0.67, 3.80),
        "team_monthly": SbgTruth(0.90, 6.00),
        "basic_annual": SbgTruth(1.00, 4.00),
        "pro_annual": SbgTruth(1.00, 6.00),
        "team_annual": SbgTruth(1.20, 9.00),
    }


def _default_nps() -> dict[str, tuple[float, float, float]]:
    # (promoter, passive, detractor) shares per acquisition channel, the NPS segment.
    return {
        "direct": (0.50, 0.30, 0.20),
        "organic_search": (0.45, 0.35, 0.20),
        "paid_search": (0.35, 0.35, 0.30),
        "paid_social": (0.30, 0.38, 0.32),
        "organic_social": (0.40, 0.35, 0.25),
        "email": (0.48, 0.32, 0.20),
        "referral": (0.62, 0.28, 0.10),
        "display": (0.28, 0.40, 0.32),
        "affiliates": (0.33, 0.37, 0.30),
    }


@dataclass(frozen=True)
class PlantedTruth:
    bg_nbd: BgNbdTruth = field(default_factory=BgNbdTruth)
    gamma_gamma: GammaGammaTruth = field(default_factory=GammaGammaTruth)
    sbg_by_initial_plan: dict[str, SbgTruth] = field(default_factory=_default_sbg)
    nps_shares_by_acquisition_channel: dict[str, tuple[float, float, float]] = field(default_factory=_default_nps)
    csat_score_probabilities: tuple[float, ...] = (0.05, 0.07, 0.13, 0.35, 0.40)
    buyer_share: float = 0.55
    trial_share: float = 0.35
    trial_conversion: float = 0.55
    direct_subscription_share: float = 0.08
    refund_rate: float = 0.04
    reactivation_probability: float = 0.20
    plan_change_probability: float = 0.08

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "notes": {
                "bg_nbd": "time unit week; first order at t=0 of each buyer, repeat orders counted as frequency; "
                "order dates drawn from the process, time of day redrawn within the day",
                "gamma_gamma": "spend in USD per order (paid and refunded alike); local amounts = USD / usd_per_unit",
                "sbg_by_initial_plan": "period = billing period of the plan (30 or 365 days); first lifecycle "
                "of each subscription (before any reactivation); trials do not count as a period",
                "nps": "segment = customers.acquisition_channel; shares of each respondent's every answer",
            },
        }
