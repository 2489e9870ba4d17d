"""Raw tables as an EL tool lands them: the day's rows of each table, formatted per the data contract."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engagement_warehouse.generator import reference as ref
from engagement_warehouse.generator.arrow import categorical, iso_date, iso_local, prefixed
from engagement_warehouse.generator.feedback import FeedbackTexts, complaint_probability, utc_dates
from engagement_warehouse.generator.population import (
    CANCEL_REASONS,
    CHANGE_TYPES,
    DAY,
    STATUSES,
    Customers,
    Orders,
    Reviews,
    SubscriptionChanges,
    SurveyAnswers,
    Window,
)

FIRST_NAMES = np.array(["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Luis"])
LAST_NAMES = np.array(["Okafor", "Schmidt", "Tanaka", "Silva", "Martin", "Patel", "Nguyen", "Smith", "Rossi", "Kowalski"])
CONTACT_DATA_SHARE = 0.05  # of comments, which then end with a phone number or an e-mail address
REVIEW_SOURCES = np.array(["app_store", "google_play", "g2", "trustpilot"])
MESSAGE_FUNNEL = {  # channel: (bounce, open | delivered, click | open, conversion | click)
    "email": (0.03, 0.35, 0.20, 0.10),
    "push": (0.05, 0.12, 0.30, 0.08),
    "sms": (0.02, 0.80, 0.10, 0.05),
    "in_app": (0.00, 0.60, 0.25, 0.12),
}
NULL_STRING = pa.scalar(None, pa.string())


def _by_day(window: Window, timestamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row order sorted by day and the first row of each day (length days + 1)."""
    day = window.day_of(timestamps)
    order = np.argsort(day, kind="stable")
    return order, np.searchsorted(day[order], np.arange(window.days + 1))


def _nullable_times(at: np.ndarray, country: np.ndarray, present: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(present), iso_local(np.where(present, at, 0), country), NULL_STRING)


class LandingTables:
    """Formats the simulated population into each raw table's rows for a given day."""

    def __init__(self, rng: np.random.Generator, window: Window, customers: Customers, orders: Orders,
                 subscriptions: SubscriptionChanges, surveys: SurveyAnswers, reviews: Reviews,
                 plans: tuple[ref.Plan, ...], usd_per_unit: dict[str, float], feedback: FeedbackTexts):
        self.rng, self.window, self.c, self.feedback = rng, window, customers, feedback
        self.order_rows, self.subscription_rows, self.survey_rows, self.review_rows = orders, subscriptions, surveys, reviews
        self.plans, self.usd_per_unit = plans, usd_per_unit
        self.currency_rate = np.array([usd_per_unit[cur] for cur in ref.COUNTRY_CURRENCY])
        self.order_ids = prefixed("ord_", np.arange(len(orders.customer)))
        self._days = {
            "customers": _by_day(window, customers.version_at),
            "orders": _by_day(window, orders.ordered_at),
            "subscriptions": _by_day(window, subscriptions.effective_at),
            "survey_responses": _by_day(window, surveys.responded_at),
            "reviews": _by_day(window, reviews.created_at),
        }
        self.next_message_number = 0

    def rows(self, table: str, d: int) -> np.ndarray:
        order, bounds = self._days[table]
        return order[bounds[d]:bounds[d + 1]]

    def customer_id(self, customer: np.ndarray) -> pa.Array:
        return prefixed("cus_", customer)

    def customers(self, d: int) -> pa.Table:
        c, rows = self.c, self.rows("customers", d)
        who, at, version = c.version_customer[rows], c.version_at[rows], c.version_number[rows]
        email_suffix = pc.if_else(pa.array(version > 1), prefixed(".v", version), "")
        source = c.source[who]
        return pa.table({
            "customer_id": self.customer_id(who),
            "email": pc.binary_join_element_wise(prefixed("user", who), email_suffix, "@example.com", ""),
            "full_name": pa.array(np.char.add(np.char.add(FIRST_NAMES[who % 12], " "), LAST_NAMES[(who // 12) % 10])),
            "created_at": iso_local(c.signup_at[who], c.country[who]),
            "country": categorical(list(ref.COUNTRIES), c.country[who]),
            "acquisition_channel": categorical([t.channel for t in ref.TRAFFIC_SOURCES], source),
            "acquisition_campaign": categorical([t.utm_campaign or "" for t in ref.TRAFFIC_SOURCES],
                                                np.where([ref.TRAFFIC_SOURCES[s].utm_campaign is not None for s in source], source, -1)),
            "referred_by_customer_id": pc.if_else(pa.array(c.referred_by[who] >= 0), self.customer_id(np.maximum(c.referred_by[who], 0)),
                                                  NULL_STRING),
            "consent_email": pa.array(c.consent[who, 0] & (at < c.email_withdrawn_at[who])),
            "consent_push": pa.array(c.consent[who, 1]),
            "consent_sms": pa.array(c.consent[who, 2]),
            "consent_in_app": pa.array(c.consent[who, 3]),
            "updated_at": iso_local(at, c.country[who]),
        })

    def _local_amount(self, usd: np.ndarray, country: np.ndarray) -> pa.Array:
        return pa.array(np.round(usd / self.currency_rate[country], 2))

    def subscriptions(self, d: int) -> pa.Table:
        s, rows = self.subscription_rows, self.rows("subscriptions", d)
        country = self.c.country[s.customer[rows]]
        plan = s.plan[rows]
        price = np.array([p.price_usd for p in self.plans])[plan]
        return pa.table({
            "subscription_id": prefixed("sub_", s.subscription[rows]),
            "customer_id": self.customer_id(s.customer[rows]),
            "plan_id": categorical([p.plan_id for p in self.plans], plan),
            "billing_interval": categorical([p.billing_interval for p in self.plans], plan),
            "amount": self._local_amount(np.where(s.is_free[rows], 0.0, price), country),
            "currency": categorical(list(ref.COUNTRY_CURRENCY), country),
            "status": categorical(list(STATUSES), s.status[rows]),
            "change_type": categorical(list(CHANGE_TYPES), s.change_type[rows]),
            "effective_at": iso_local(s.effective_at[rows], country),
            "cancel_reason": categorical(list(CANCEL_REASONS), s.cancel_reason[rows]),
        })

    def orders(self, d: int) -> pa.Table:
        o, rows = self.order_rows, self.rows("orders", d)
        country = self.c.country[o.customer[rows]]
        return pa.table({
            "order_id": self.order_ids.take(pa.array(rows)),
            "customer_id": self.customer_id(o.customer[rows]),
            "ordered_at": iso_local(o.ordered_at[rows], country),
            "amount": self._local_amount(o.amount_usd[rows], country),
            "currency": categorical(list(ref.COUNTRY_CURRENCY), country),
            "status": categorical(["paid", "refunded"], o.is_refunded[rows].astype(np.int64)),
        })

    def survey_responses(self, d: int) -> pa.Table:
        s, rows = self.survey_rows, self.rows("survey_responses", d)
        n = len(rows)
        commented = self.rng.random(n) < 0.4
        with_contact_data = self.rng.random(n) < CONTACT_DATA_SHARE
        ids = prefixed("rsp_", rows)
        score, is_nps = s.score[rows], s.is_nps[rows]
        texts = self.feedback.write("survey", ids.filter(pa.array(commented)).to_pylist(),
                                    np.where(is_nps, complaint_probability(score, 6, 9), complaint_probability(score, 2, 4))[commented],
                                    utc_dates(s.responded_at[rows][commented]), with_contact_data[commented])
        comment = np.full(n, None, dtype=object)
        comment[commented] = texts
        touchpoint = np.where(s.is_nps[rows], self.rng.integers(0, 2, size=n), self.rng.integers(2, 4, size=n))
        return pa.table({
            "response_id": ids,
            "customer_id": self.customer_id(s.customer[rows]),
            "survey_type": categorical(["csat", "nps"], s.is_nps[rows].astype(np.int64)),
            "score": pa.array(s.score[rows], pa.int64()),
            "comment": pa.array(comment, pa.string()),
            "touchpoint": categorical(["in_app", "email", "support_ticket", "onboarding"], touchpoint),
            "responded_at": iso_local(s.responded_at[rows], self.c.country[s.customer[rows]]),
        })

    def reviews(self, d: int) -> pa.Table:
        r, rows = self.review_rows, self.rows("reviews", d)
        known = r.customer[rows] >= 0
        country = np.where(known, self.c.country[np.maximum(r.customer[rows], 0)], 0)
        rating = r.rating[rows]
        ids = prefixed("rev_", rows)
        texts = self.feedback.write("review", ids.to_pylist(), complaint_probability(rating, 2, 4), utc_dates(r.created_at[rows]),
                                    np.zeros(len(rows), bool))
        return pa.table({
            "review_id": ids,
            "customer_id": pc.if_else(pa.array(known), self.customer_id(np.maximum(r.customer[rows], 0)), NULL_STRING),
            "source": categorical(list(REVIEW_SOURCES), self.rng.integers(0, 4, size=len(rows))),
            "rating": pa.array(rating, pa.int64()),
            "review_text": pa.array(texts, pa.string()),
            "created_at": iso_local(r.created_at[rows], country),
        })

    def marketing_spend(self, d: int) -> pa.Table:
        campaigns = ref.PAID_CAMPAIGNS
        usd = np.array([c[2] for c in campaigns]) * self.c.n / 1000 * self.rng.lognormal(0.0, 0.25, size=len(campaigns))
        rate = np.array([self.usd_per_unit[c[3]] for c in campaigns])
        day_start = np.full(len(campaigns), self.window.start + d * DAY)
        return pa.table({
            "spend_date": iso_date(day_start),
            "channel": pa.array([c[0] for c in campaigns]),
            "campaign": pa.array([c[1] for c in campaigns]),
            "amount": pa.array(np.round(usd / rate, 2)),
            "currency": pa.array([c[3] for c in campaigns]),
        })

    def messages(self, d: int) -> pa.Table:
        """Onboarding triggers after signup and periodic broadcasts, only to customers consenting at send time."""
        c, rng, window = self.c, self.rng, self.window
        day0 = window.start + d * DAY
        signed_up = np.searchsorted(c.signup_at, day0)
        batches = []  # (customers, sent_at, channel index, campaign, is_triggered)

        def signups_on(day: int) -> np.ndarray:
            return np.arange(*np.searchsorted(c.signup_at, [window.start + day * DAY, window.start + (day + 1) * DAY]))

        batches.append((signups_on(d), 3600, 0, "onboarding_welcome", True))
        batches.append((signups_on(d - 1), DAY, 1, "onboarding_day1", True))
        batches.append((signups_on(d - 3), 3 * DAY, 3, "feature_tips", True))
        if d % 7 == 3:
            batches.append((np.flatnonzero(rng.random(signed_up) < 0.2), None, 0, "weekly_digest", False))
        if d % 30 == 10:
            batches.append((np.flatnonzero(rng.random(signed_up) < 0.3), None, 2, "monthly_offer", False))

        who, sent, channel, campaign, triggered = [], [], [], [], []
        for members, delay, ch, name, is_triggered in batches:
            at = c.signup_at[members] + delay if delay is not None else np.full(len(members), day0 + 15 * 3600)
            consenting = c.consent[members, ch] & ((ch != 0) | (at < c.email_withdrawn_at[members])) & (at < window.end)
            who.append(members[consenting])
            sent.append(at[consenting])
            channel.append(np.full(consenting.sum(), ch))
            campaign += [name] * int(consenting.sum())
            triggered.append(np.full(consenting.sum(), is_triggered))
        who, sent, channel, triggered = (np.concatenate(x) for x in (who, sent, channel, triggered))
        n = len(who)
        funnel = np.array([MESSAGE_FUNNEL[ch] for ch in ref.MESSAGE_CHANNELS])[channel]
        bounced = rng.random(n) < funnel[:, 0]
        delivered_at = sent + rng.integers(1, 120, size=n)
        opened_at = delivered_at + rng.integers(60, 6 * 3600, size=n)
        clicked_at = opened_at + rng.integers(5, 600, size=n)
        converted_at = clicked_at + rng.integers(60, 3600, size=n)
        opened = ~bounced & (rng.random(n) < funnel[:, 1]) & (opened_at < window.end)
        clicked = opened & (rng.random(n) < funnel[:, 2]) & (clicked_at < window.end)
        converted = clicked & (rng.random(n) < funnel[:, 3]) & (converted_at < window.end)
        unsubscribed = (channel == 0) & ~bounced & (c.email_withdrawn_at[who] > sent) & (c.email_withdrawn_at[who] <= sent + 7 * DAY)
        country = c.country[who]
        ids = np.arange(self.next_message_number, self.next_message_number + n)
        self.next_message_number += n
        return pa.table({
            "message_id": prefixed("msg_", ids),
            "customer_id": self.customer_id(who),
            "channel": categorical(list(ref.MESSAGE_CHANNELS), channel),
            "campaign": pa.array(campaign, pa.string()),
            "message_type": categorical(["broadcast", "triggered"], triggered.astype(np.int64)),
            "sent_at": iso_local(sent, country),
            "delivered_at": _nullable_times(delivered_at, country, ~bounced & (delivered_at < window.end)),
            "opened_at": _nullable_times(opened_at, country, opened),
            "clicked_at": _nullable_times(clicked_at, country, clicked),
            "converted_at": _nullable_times(converted_at, country, converted),
            "unsubscribed_at": _nullable_times(c.email_withdrawn_at[who], country, unsubscribed),
            "is_bounced": pa.array(bounced),
        })
