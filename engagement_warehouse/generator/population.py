"""Customer-level simulation done once, up front: who signs up when, what they buy and pay.

Every array is indexed by customer (sorted by signup time) or by row of a raw table; times
are integer seconds since the Unix epoch, UTC. The daily loop in :mod:`.events` and
:mod:`.landing` slices these by day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engagement_warehouse.generator import reference as ref
from engagement_warehouse.generator.truth import PlantedTruth

DAY = 86_400
WEEK = 7 * DAY
SLOT = 7_200  # sessions of one person sit in distinct two-hour slots, so none merge under a 30-minute timeout


@dataclass(frozen=True)
class Window:
    start: int  # epoch seconds of the first day, 00:00 UTC
    days: int

    @property
    def end(self) -> int:
        return self.start + self.days * DAY

    def day_of(self, ts: np.ndarray) -> np.ndarray:
        return ((ts - self.start) // DAY).astype(np.int64)


def anchor_times(rng: np.random.Generator, days: np.ndarray, window: Window) -> np.ndarray:
    """A time on each given day, 5-25 minutes into a diurnally weighted two-hour slot.

    Conversion events (signup, trial start, purchase) sit at such times; the session
    holding them starts at most five minutes earlier, so it never leaves its slot.
    """
    slots = rng.choice(12, size=len(days), p=ref.SLOT_WEIGHTS)
    return window.start + days * DAY + slots * SLOT + rng.integers(300, 1500, size=len(days))


@dataclass
class Customers:
    signup_at: np.ndarray
    country: np.ndarray  # index into reference.COUNTRIES
    source: np.ndarray  # index into reference.TRAFFIC_SOURCES
    referred_by: np.ndarray  # customer index or -1
    consent: np.ndarray  # bool (n, 4): email, push, sms, in_app
    email_withdrawn_at: np.ndarray  # epoch seconds, or int64 max
    daily_activity: np.ndarray  # probability of a visit on a day right after signup
    activity_decay_days: np.ndarray
    second_device: np.ndarray  # bool
    version_customer: np.ndarray  # one entry per customer version (row of raw customers)
    version_at: np.ndarray
    version_number: np.ndarray

    @property
    def n(self) -> int:
        return len(self.signup_at)


def simulate_customers(rng: np.random.Generator, n: int, window: Window) -> Customers:
    growth = 1.0 + 0.5 * np.arange(window.days) / max(window.days - 1, 1)
    signup_day = np.sort(rng.choice(window.days, size=n, p=growth / growth.sum()))
    signup_at = np.sort(anchor_times(rng, signup_day, window))
    source = rng.choice(len(ref.TRAFFIC_SOURCES), size=n, p=ref.ACQUISITION_WEIGHTS)
    referred_by = np.full(n, -1, dtype=np.int64)
    referred = np.flatnonzero((source == ref.CUSTOMER_REFERRAL_SOURCE) & (np.arange(n) > 0))
    referred_by[referred] = (rng.random(len(referred)) * referred).astype(np.int64)
    consent = rng.random((n, 4)) < np.array([0.7, 0.45, 0.2, 0.8])

    withdraws = consent[:, 0] & (rng.random(n) < 0.1)
    email_withdrawn_at = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    email_withdrawn_at[withdraws] = signup_at[withdraws] + rng.integers(3 * DAY, 60 * DAY, size=withdraws.sum())
    email_withdrawn_at[email_withdrawn_at >= window.end] = np.iinfo(np.int64).max

    # Versions: the signup row, profile edits, and the row that records an e-mail opt-out.
    edits = np.minimum(rng.poisson(0.4, size=n), 3)
    edit_customer = np.repeat(np.arange(n), edits)
    edit_at = signup_at[edit_customer] + 1 + (rng.random(len(edit_customer)) * (window.end - signup_at[edit_customer] - 1)).astype(np.int64)
    opted_out = np.flatnonzero(email_withdrawn_at < window.end)
    version_customer = np.concatenate([np.arange(n), edit_customer, opted_out])
    version_at = np.concatenate([signup_at, edit_at, email_withdrawn_at[opted_out]])
    order = np.lexsort((version_at, version_customer))
    version_customer, version_at = version_customer[order], version_at[order]
    # (customer_id, updated_at) identifies a version: move a same-second version one second later.
    while (clash := (version_customer[1:] == version_customer[:-1]) & (version_at[1:] <= version_at[:-1])).any():
        version_at[1:][clash] = version_at[:-1][clash] + 1
    first_of_customer = np.searchsorted(version_customer, version_customer, side="left")

    return Customers(
        signup_at=signup_at,
        country=rng.choice(len(ref.COUNTRIES), size=n, p=ref.COUNTRY_WEIGHTS),
        source=source,
        referred_by=referred_by,
        consent=consent,
        email_withdrawn_at=email_withdrawn_at,
        daily_activity=rng.beta(1.3, 5.5, size=n),
        activity_decay_days=rng.exponential(45.0, size=n) + 3.0,
        second_device=rng.random(n) < 0.25,
        version_customer=version_customer,
        version_at=version_at,
        version_number=np.arange(len(version_customer)) - first_of_customer + 1,
    )


@dataclass
class Orders:
    customer: np.ndarray
    ordered_at: np.ndarray
    amount_usd: np.ndarray
    is_refunded: np.ndarray


def simulate_orders(rng: np.random.Generator, customers: Customers, truth: PlantedTruth, window: Window) -> Orders:
    """First order of each buyer, then repeat orders from the BG/NBD process (Fader, Hardie & Lee 2005, §2)."""
    bg, gg = truth.bg_nbd, truth.gamma_gamma
    first_at = customers.signup_at + (rng.exponential(5.0, size=customers.n) * DAY).astype(np.int64)
    buyers = np.flatnonzero((rng.random(customers.n) < truth.buyer_share) & (first_at < window.end))
    rate_per_week = rng.gamma(bg.r, 1.0 / bg.alpha, size=len(buyers))
    dropout = rng.beta(bg.a, bg.b, size=len(buyers))
    mean_spend_rate = rng.gamma(gg.q, 1.0 / gg.gamma, size=len(buyers))  # nu

    who, when = [buyers], [first_at[buyers]]
    alive = np.arange(len(buyers))
    clock = first_at[buyers].astype(np.float64)
    while len(alive):
        clock[alive] += rng.exponential(1.0, size=len(alive)) / rate_per_week[alive] * WEEK
        alive = alive[clock[alive] < window.end]
        who.append(buyers[alive])
        when.append(clock[alive].astype(np.int64))
        alive = alive[rng.random(len(alive)) >= dropout[alive]]  # after each repeat order, drop out with p

    customer = np.concatenate(who)
    # Keep the process's day, redraw the time of day into a session slot.
    ordered_at = anchor_times(rng, window.day_of(np.concatenate(when)), window)
    nu = np.empty(customers.n)
    nu[buyers] = mean_spend_rate
    order = np.lexsort((ordered_at, customer))
    customer, ordered_at = customer[order], ordered_at[order]
    return Orders(
        customer=customer,
        ordered_at=ordered_at,
        amount_usd=rng.gamma(gg.p, 1.0 / nu[customer]),
        is_refunded=rng.random(len(customer)) < truth.refund_rate,
    )


@dataclass
class SubscriptionChanges:
    subscription: np.ndarray
    customer: np.ndarray
    plan: np.ndarray  # index into the plans seed
    change_type: np.ndarray  # index into CHANGE_TYPES
    status: np.ndarray  # index into STATUSES
    effective_at: np.ndarray
    is_free: np.ndarray  # trial rows carry amount 0
    cancel_reason: np.ndarray  # index into CANCEL_REASONS or -1


CHANGE_TYPES = np.array(["created", "renewed", "plan_changed", "canceled", "reactivated"])
STATUSES = np.array(["trialing", "active", "canceled"])
CANCEL_REASONS = np.array(["too_expensive", "missing_features", "switched_competitor", "not_using", "trial_expired"])
TRIAL_DAYS = 14


def simulate_subscriptions(
    rng: np.random.Generator, customers: Customers, plans: tuple[ref.Plan, ...], truth: PlantedTruth, window: Window
) -> SubscriptionChanges:
    """Trials, paid periods with shifted-beta-geometric churn (Fader & Hardie 2007), plan changes, reactivations."""
    period = np.array([p.period_days * DAY for p in plans])
    plan_weights = np.array([0.3, 0.25, 0.1, 0.15, 0.13, 0.07])
    draw = rng.random(customers.n)
    trialing = np.flatnonzero(draw < truth.trial_share)
    direct = np.flatnonzero((draw >= truth.trial_share) & (draw < truth.trial_share + truth.direct_subscription_share))
    subscribers = np.concatenate([trialing, direct])
    n_subs = len(subscribers)
    plan = rng.choice(len(plans), size=n_subs, p=plan_weights)
    sbg = [truth.sbg_by_initial_plan[p.plan_id] for p in plans]
    churn_probability = rng.beta(np.array([s.alpha for s in sbg])[plan], np.array([s.beta for s in sbg])[plan])
    created_at = customers.signup_at[subscribers] + np.where(
        np.arange(n_subs) < len(trialing), rng.integers(20, 90, size=n_subs), rng.integers(60, 240, size=n_subs)
    )

    rows: dict[str, list[np.ndarray]] = {k: [] for k in SubscriptionChanges.__dataclass_fields__}

    def emit(subs, change, status, at, free=False, reason=-1):
        rows["subscription"].append(subs)
        rows["customer"].append(subscribers[subs])
        rows["plan"].append(plan[subs].copy())
        rows["change_type"].append(np.full(len(subs), change))
        rows["status"].append(np.full(len(subs), status))
        rows["effective_at"].append(at)
        rows["is_free"].append(np.full(len(subs), free))
        rows["cancel_reason"].append(np.broadcast_to(reason, len(subs)).astype(np.int64))

    is_trial = np.arange(n_subs) < len(trialing)
    emit(np.flatnonzero(is_trial), 0, 0, created_at[is_trial], free=True)
    emit(np.flatnonzero(~is_trial), 0, 1, created_at[~is_trial])

    trial_end = created_at + TRIAL_DAYS * DAY
    ended = np.flatnonzero(is_trial & (trial_end < window.end))
    converts = rng.random(len(ended)) < truth.trial_conversion
    emit(ended[~converts], 3, 2, trial_end[ended[~converts]], free=True, reason=4)
    emit(ended[converts], 1, 1, trial_end[ended[converts]])

    # Open paid periods: (subscription, start of the period).
    open_subs = np.concatenate([ended[converts], np.flatnonzero(~is_trial)])
    period_start = np.concatenate([trial_end[ended[converts]], created_at[~is_trial]])
    while len(open_subs):
        changes = rng.random(len(open_subs)) < truth.plan_change_probability
        change_at = period_start + (rng.uniform(0.2, 0.8, size=len(open_subs)) * period[plan[open_subs]]).astype(np.int64)
        changing = changes & (change_at < window.end)
        if changing.any():
            movers = open_subs[changing]
            same_interval = np.array([[q.billing_interval == p.billing_interval and q != p for q in plans] for p in plans])
            options = same_interval[plan[movers]]
            pick = (rng.random(options.shape) * options).argmax(axis=1)
            plan[movers] = pick
            emit(movers, 2, 1, change_at[changing])

        boundary = period_start + period[plan[open_subs]]
        due = boundary < window.end
        open_subs, boundary = open_subs[due], boundary[due]
        churns = rng.random(len(open_subs)) < churn_probability[open_subs]
        emit(open_subs[churns], 3, 2, boundary[churns], reason=rng.integers(0, 4, size=churns.sum()))
        renewing = open_subs[~churns]
        emit(renewing, 1, 1, boundary[~churns])

        back_at = boundary[churns] + rng.integers(30 * DAY, 90 * DAY, size=churns.sum())
        returns = (rng.random(churns.sum()) < truth.reactivation_probability) & (back_at < window.end)
        returning = open_subs[churns][returns]
        emit(returning, 4, 1, back_at[returns])
        open_subs = np.concatenate([renewing, returning])
        period_start = np.concatenate([boundary[~churns], back_at[returns]])

    merged = {k: np.concatenate(v) for k, v in rows.items()}
    order = np.lexsort((merged["effective_at"], merged["subscription"]))
    return SubscriptionChanges(**{k: v[order] for k, v in merged.items()})


@dataclass
class SurveyAnswers:
    customer: np.ndarray
    is_nps: np.ndarray
    score: np.ndarray
    responded_at: np.ndarray


def _nps_scores(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    detractor_scores = rng.choice(7, size=len(category), p=np.array([1, 1, 1, 2, 2, 3, 4]) / 14)
    return np.select(
        [category == 0, category == 1], [rng.integers(9, 11, size=len(category)), rng.integers(7, 9, size=len(category))],
        detractor_scores,
    )


def simulate_surveys(rng: np.random.Generator, customers: Customers, truth: PlantedTruth, window: Window) -> SurveyAnswers:
    """NPS answers drawn from per-segment (acquisition channel) true shares; CSAT from a fixed distribution."""
    n = customers.n
    respondents = np.flatnonzero(rng.random(n) < 0.35)
    first = customers.signup_at[respondents] + rng.integers(7 * DAY, 45 * DAY, size=len(respondents))
    again = rng.random(len(respondents)) < 0.3
    nps_customer = np.concatenate([respondents, respondents[again]])
    nps_at = np.concatenate([first, first[again] + rng.integers(20 * DAY, 40 * DAY, size=again.sum())])
    channel_shares = truth.nps_shares_by_acquisition_channel
    shares = np.array([channel_shares[s.channel] for s in ref.TRAFFIC_SOURCES])[customers.source[nps_customer]]
    category = (rng.random(len(nps_customer))[:, None] > np.cumsum(shares, axis=1)).sum(axis=1)
    nps_score = _nps_scores(rng, np.minimum(category, 2))

    csat_customer = np.repeat(np.arange(n), rng.binomial(2, 0.15, size=n))
    csat_at = customers.signup_at[csat_customer] + (rng.random(len(csat_customer)) * window.days * DAY).astype(np.int64)
    csat_score = rng.choice(5, size=len(csat_customer), p=truth.csat_score_probabilities) + 1

    customer = np.concatenate([nps_customer, csat_customer])
    responded_at = np.concatenate([nps_at, csat_at])
    keep = responded_at < window.end
    return SurveyAnswers(
        customer=customer[keep],
        is_nps=np.concatenate([np.ones(len(nps_customer), bool), np.zeros(len(csat_customer), bool)])[keep],
        score=np.concatenate([nps_score, csat_score])[keep],
        responded_at=responded_at[keep],
    )


@dataclass
class Reviews:
    customer: np.ndarray  # -1 for reviews by people who never signed up
    rating: np.ndarray
    created_at: np.ndarray


def simulate_reviews(rng: np.random.Generator, customers: Customers, window: Window) -> Reviews:
    reviewers = np.flatnonzero(rng.random(customers.n) < 0.04)
    reviewer_at = customers.signup_at[reviewers] + rng.integers(5 * DAY, 60 * DAY, size=len(reviewers))
    n_anonymous = max(1, customers.n // 100)
    anonymous_at = window.start + rng.integers(0, window.days * DAY, size=n_anonymous)
    customer = np.concatenate([reviewers, np.full(n_anonymous, -1)])
    created_at = np.concatenate([reviewer_at, anonymous_at])
    keep = created_at < window.end
    return Reviews(
        customer=customer[keep],
        rating=rng.choice(5, size=keep.sum(), p=[0.06, 0.06, 0.13, 0.3, 0.45]) + 1,
        created_at=created_at[keep],
    )
