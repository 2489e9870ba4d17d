"""Reference vocabularies: the dbt seeds (single source of truth) plus generator-only lists."""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from engagement_warehouse.settings import PROJECT_ROOT

SEEDS_DIR = PROJECT_ROOT / "seeds"

COUNTRIES = np.array(["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU"])
COUNTRY_WEIGHTS = np.array([0.38, 0.12, 0.12, 0.08, 0.12, 0.08, 0.05, 0.05])
# Fixed UTC offsets (no DST) so that "normalise to UTC" has something real to undo.
COUNTRY_UTC_OFFSET = np.array(["-05:00", "+00:00", "+01:00", "+01:00", "+05:30", "-03:00", "+09:00", "+10:00"])
COUNTRY_UTC_OFFSET_SECONDS = np.array([-18000, 0, 3600, 3600, 19800, -10800, 32400, 36000])
COUNTRY_CURRENCY = np.array(["USD", "GBP", "EUR", "EUR", "INR", "BRL", "JPY", "AUD"])


@dataclass(frozen=True)
class TrafficSource:
    """How a visit arrived: what the landing event carries and what the CRM records."""

    channel: str
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    referrer: str | None


TRAFFIC_SOURCES = (
    TrafficSource("direct", None, None, None, None),
    TrafficSource("organic_search", None, None, None, "https://www.google.com/"),
    TrafficSource("organic_search", None, None, None, "https://www.bing.com/"),
    TrafficSource("paid_search", "google", "cpc", "brand", "https://www.google.com/"),
    TrafficSource("paid_search", "google", "cpc", "generic", "https://www.google.com/"),
    TrafficSource("paid_social", "facebook", "paid_social", "prospecting", "https://facebook.com/"),
    TrafficSource("organic_social", None, None, None, "https://twitter.com/"),
    TrafficSource("organic_social", None, None, None, "https://www.linkedin.com/"),
    TrafficSource("email", "newsletter", "email", "weekly_digest", None),
    TrafficSource("referral", None, None, None, "https://partnerblog.example.org/best-tools"),
    TrafficSource("referral", "customer_referral", "referral", "refer_a_friend", None),
    TrafficSource("display", "adnetwork", "display", "awareness", "https://news.example.net/"),
    TrafficSource("affiliates", "partners", "affiliate", "partners", "https://deals.example.com/"),
)
# Where new customers come from (the CRM's acquisition channel) ...
ACQUISITION_WEIGHTS = np.array([0.16, 0.12, 0.05, 0.08, 0.06, 0.09, 0.04, 0.03, 0.03, 0.04, 0.10, 0.10, 0.10])
# ... and how returning visits arrive.
RETURN_VISIT_WEIGHTS = np.array([0.45, 0.10, 0.05, 0.04, 0.03, 0.03, 0.04, 0.03, 0.12, 0.03, 0.02, 0.04, 0.02])
CUSTOMER_REFERRAL_SOURCE = 10  # index of the refer-a-friend source; such customers have a referrer

# Paid channels that appear in marketing_spend: (channel, campaign, daily USD spend per 1k customers, currency).
# Scaled so that CAC lands where it does for a SaaS with these plan prices (12-79 USD a month): tens to a few
# hundred USD per new paying customer, not a few dollars.
PAID_CAMPAIGNS = (
    ("paid_search", "brand", 80.0, "USD"),
    ("paid_search", "generic", 180.0, "USD"),
    ("paid_social", "prospecting", 140.0, "EUR"),
    ("display", "awareness", 60.0, "USD"),
    ("affiliates", "partners", 50.0, "USD"),
)

PLATFORMS = np.array(["web", "ios", "android"])
PLATFORM_WEIGHTS = np.array([0.6, 0.22, 0.18])
DEVICES = np.array(["desktop", "mobile", "tablet"])
WEB_PAGES = np.array(
    ["/", "/pricing", "/features", "/blog/engagement-101", "/blog/retention", "/docs", "/dashboard",
     "/dashboard/reports", "/settings", "/integrations", "/community", "/videos/onboarding"]
)
APP_SCREENS = np.array(["Home", "Feed", "Search", "Profile", "Reports", "Settings", "Meetings", "Notifications"])
# Diurnal pattern over the twelve two-hour slots of a UTC day.
SLOT_WEIGHTS = np.array([0.02, 0.02, 0.04, 0.07, 0.1, 0.12, 0.12, 0.11, 0.12, 0.12, 0.1, 0.06])

INTERACTION_TYPES = np.array(
    ["click", "search", "feature_used", "video_view", "like", "share", "comment", "follow",
     "referral_sent", "newsletter_signup", "review_submitted", "survey_submitted"]
)
INTERACTION_WEIGHTS = np.array([0.34, 0.12, 0.16, 0.06, 0.12, 0.05, 0.06, 0.04, 0.01, 0.01, 0.015, 0.015])

MESSAGE_CHANNELS = ("email", "push", "sms", "in_app")


@dataclass(frozen=True)
class Plan:
    plan_id: str
    tier: str
    billing_interval: str
    price_usd: float
    period_days: int


def _read_seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{name}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def load_plans() -> tuple[Plan, ...]:
    return tuple(
        Plan(r["plan_id"], r["tier"], r["billing_interval"], float(r["price_usd"]), int(r["billing_period_days"]))
        for r in _read_seed("plans")
    )


def load_usd_per_unit() -> dict[str, float]:
    return {r["currency"]: float(r["usd_per_unit"]) for r in _read_seed("currency_rates")}


def load_event_types() -> frozenset[str]:
    return frozenset(r["event_type"] for r in _read_seed("event_types"))
