"""Sessions and their events, built one day at a time.

Every person's sessions on a day sit in distinct two-hour slots (start within the first
25 minutes, at most an hour long), so the 30-minute sessionisation rule recovers exactly
the sessions generated here; that is what makes the ground-truth counts in ``truth.json``
exact. Conversion events (signup, trial start, purchase) are placed at the timestamps of
the rows in customers/subscriptions/orders, inside a session that starts shortly before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from engagement_warehouse.generator import reference as ref
from engagement_warehouse.generator.arrow import categorical, iso_local, prefixed
from engagement_warehouse.generator.population import DAY, SLOT, Customers, Orders, SubscriptionChanges, Window

NEVER = np.iinfo(np.int64).max
ALWAYS = np.iinfo(np.int64).min
BOUNCE_SHARE = 0.4
MAX_PAGE_OFFSET = 55 * 60  # pages start at most 55 min in; a non-meeting page lasts <= 4 min

ANCHOR_TYPES = np.array(["signup", "trial_started", "purchase"])


@dataclass
class Anchors:
    customer: np.ndarray
    at: np.ndarray
    kind: np.ndarray  # index into ANCHOR_TYPES
    order: np.ndarray  # order row for purchases, else -1


def build_anchors(customers: Customers, subscriptions: SubscriptionChanges, orders: Orders) -> Anchors:
    trials = (subscriptions.change_type == 0) & (subscriptions.status == 0)
    customer = np.concatenate([np.arange(customers.n), subscriptions.customer[trials], orders.customer])
    at = np.concatenate([customers.signup_at, subscriptions.effective_at[trials], orders.ordered_at])
    kind = np.concatenate([np.zeros(customers.n), np.ones(trials.sum()), np.full(len(orders.customer), 2)]).astype(np.int64)
    order_row = np.concatenate([np.full(customers.n + trials.sum(), -1), np.arange(len(orders.customer))])
    sort = np.argsort(at, kind="stable")
    return Anchors(customer[sort], at[sort], kind[sort], order_row[sort])


@dataclass
class EventTruth:
    """Ground truth of the clean event stream, for the engagement marts to be checked against."""

    sessions_per_day: list[int] = field(default_factory=list)
    active_persons_per_day: list[int] = field(default_factory=list)
    events: int = 0
    page_pings: int = 0
    engaged_seconds: int = 0
    late_events: int = 0
    out_of_order_events: int = 0
    # Anonymous ids (devices) on which a second customer logged in: stitching must pick one.
    shared_anonymous_ids: int = 0


class EventSimulator:
    def __init__(self, rng: np.random.Generator, customers: Customers, anchors: Anchors, window: Window,
                 visitors_per_customer: float, late_rate: float, out_of_order_rate: float, activity: float = 1.0):
        self.rng, self.customers, self.anchors, self.window = rng, customers, anchors, window
        self.activity = activity
        self.late_rate, self.out_of_order_rate = late_rate, out_of_order_rate
        n = customers.n
        self.signup_day = window.day_of(customers.signup_at)
        # Anonymous browsing before signup, on device 1, 1-7 days before.
        visits = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
        pre_customer = np.repeat(np.arange(n), visits)
        pre_day = self.signup_day[pre_customer] - rng.integers(1, 8, size=len(pre_customer))
        pairs = np.unique(np.stack([pre_day, pre_customer])[:, pre_day >= 0], axis=1)
        self.pre_day, self.pre_customer = pairs[0], pairs[1]
        # People who browse and never sign up.
        n_visitors = int(round(n * visitors_per_customer))
        visitor_visits = 1 + (rng.random(n_visitors) < 0.3)
        v = np.repeat(np.arange(n_visitors), visitor_visits)
        v_day = rng.integers(0, window.days, size=len(v))
        pairs = np.unique(np.stack([v_day, v]), axis=1)
        self.visitor_day, self.visitor = pairs[0], pairs[1]
        self.visitor_country = rng.choice(len(ref.COUNTRIES), size=n_visitors, p=ref.COUNTRY_WEIGHTS)
        self.visitor_source = rng.choice(len(ref.TRAFFIC_SOURCES), size=n_visitors, p=ref.ACQUISITION_WEIGHTS)
        # Device platform per anonymous id: customers' device 1 and 2, then visitors.
        self.device_platform = rng.choice(3, size=2 * n + n_visitors, p=ref.PLATFORM_WEIGHTS)
        self.device_type = np.where(self.device_platform == 0, rng.choice(3, size=len(self.device_platform), p=[0.7, 0.25, 0.05]),
                                    rng.choice([1, 2], size=len(self.device_platform), p=[0.85, 0.15]))
        # A few customers sometimes log in on an earlier customer's first device (a shared family device).
        self.shared_owner = np.where((rng.random(n) < 0.02) & (np.arange(n) > 0),
                                     (rng.random(n) * np.arange(n)).astype(np.int64), -1)
        self.shared_used = np.zeros(n, bool)
        self.next_event_number = 0
        self.truth = EventTruth()

    def day(self, d: int, order_ids: pa.Array) -> tuple[pa.Table, np.ndarray]:
        """Clean events of day ``d`` and each event's received-at epoch second (for routing to a load)."""
        sessions = self._sessions(d)
        return self._events(sessions, order_ids)

    def _sessions(self, d: int) -> dict[str, np.ndarray]:
        rng, c, n = self.rng, self.customers, self.customers.n
        day0 = self.window.start + d * DAY
        lo, hi = np.searchsorted(self.anchors.at, [day0, day0 + DAY])
        a_customer, a_at = self.anchors.customer[lo:hi], self.anchors.at[lo:hi]
        a_kind, a_order = self.anchors.kind[lo:hi], self.anchors.order[lo:hi]
        a_key = a_customer * 12 + (a_at - day0) // SLOT
        keys, first = np.unique(a_key, return_index=True)  # a_at is sorted, so `first` is the earliest anchor
        session_of_anchor = np.searchsorted(keys, a_key)
        anchored_customer = keys // 12
        has_signup = np.zeros(len(keys), bool)
        has_signup[session_of_anchor[a_kind == 0]] = True
        anchored_login = np.where(has_signup, c.signup_at[anchored_customer], ALWAYS)
        anchored_start = a_at[first] - rng.integers(30, 300, size=len(keys))

        signed_up = np.searchsorted(c.signup_at, day0)  # customers are sorted by signup time
        age = d - self.signup_day[:signed_up]
        p_visit = self.activity * c.daily_activity[:signed_up] * np.exp(-age / c.activity_decay_days[:signed_up])
        active = np.flatnonzero(rng.random(signed_up) < p_visit)
        per_active = np.minimum(1 + rng.poisson(0.35, size=len(active)), 3)
        race = -np.log(rng.random((len(active), 12))) / ref.SLOT_WEIGHTS
        rows = np.searchsorted(active, anchored_customer)
        blocked = np.isin(anchored_customer, active)
        race[rows[blocked], (keys[blocked] % 12)] = np.inf
        chosen = np.argsort(race, axis=1)[:, :3]
        take = (np.arange(3) < per_active[:, None]) & np.isfinite(np.take_along_axis(race, chosen, axis=1))
        regular_customer = np.broadcast_to(active[:, None], chosen.shape)[take]
        regular_start = day0 + chosen[take] * SLOT + rng.integers(0, 1500, size=take.sum())

        p_lo, p_hi = np.searchsorted(self.pre_day, [d, d + 1])
        pre_customer = self.pre_customer[p_lo:p_hi]
        v_lo, v_hi = np.searchsorted(self.visitor_day, [d, d + 1])
        visitor = self.visitor[v_lo:v_hi]

        def random_starts(k: int) -> np.ndarray:
            return day0 + rng.choice(12, size=k, p=ref.SLOT_WEIGHTS) * SLOT + rng.integers(0, 1500, size=k)

        # Logged-in sessions after signup use the second device 30% of the time, where there is one.
        anchored_device2 = ~has_signup & c.second_device[anchored_customer] & (rng.random(len(keys)) < 0.3)
        regular_device2 = c.second_device[regular_customer] & (rng.random(len(regular_customer)) < 0.3)
        customer = np.concatenate([anchored_customer, regular_customer, pre_customer])
        device2 = np.concatenate([anchored_device2, regular_device2, np.zeros(len(pre_customer), bool)])
        device = customer + n * device2
        owner = self.shared_owner[regular_customer]
        borrows = (owner >= 0) & (rng.random(len(regular_customer)) < 0.3)
        device[len(anchored_customer):len(anchored_customer) + len(regular_customer)][borrows] = owner[borrows]
        self.shared_used[owner[borrows]] = True
        self.truth.shared_anonymous_ids = int(self.shared_used.sum())
        anonymous_code = np.concatenate([device, 2 * n + visitor])
        person = np.concatenate([customer, n + visitor])  # stitched person, for the truth counts
        returning_source = rng.choice(len(ref.TRAFFIC_SOURCES), size=len(regular_customer) + len(pre_customer), p=ref.RETURN_VISIT_WEIGHTS)
        sessions = {
            "anonymous_code": anonymous_code,
            "customer": np.concatenate([customer, np.full(len(visitor), -1)]),
            "login_at": np.concatenate([anchored_login, np.full(len(regular_customer), ALWAYS),
                                        np.full(len(pre_customer) + len(visitor), NEVER)]),
            "start": np.concatenate([anchored_start, regular_start, random_starts(len(pre_customer) + len(visitor))]),
            "country": np.concatenate([c.country[customer], self.visitor_country[visitor]]),
            "source": np.concatenate([np.where(has_signup, c.source[anchored_customer], ref.RETURN_VISIT_WEIGHTS.argmax()),
                                      returning_source, self.visitor_source[visitor]]),
            "anchor_session": session_of_anchor,
            "anchor_at": a_at, "anchor_kind": a_kind, "anchor_order": a_order,
        }
        self.truth.sessions_per_day.append(len(anonymous_code))
        self.truth.active_persons_per_day.append(len(np.unique(person)))
        return sessions

    def _events(self, s: dict[str, np.ndarray], order_ids: pa.Array) -> tuple[pa.Table, np.ndarray]:
        rng = self.rng
        n_sessions = len(s["start"])
        # A bounce: one page left within 10 s (no heartbeat, so not engaged unless it converts); two in five
        # sessions, which puts the GA4 engagement rate near 70% (real sites: 55-75%).
        is_bounce = rng.random(n_sessions) < BOUNCE_SHARE
        pages_per_session = np.where(is_bounce, 1, np.minimum(1 + rng.poisson(2.5, size=n_sessions), 15))
        page_session = np.repeat(np.arange(n_sessions), pages_per_session)
        page_index = np.arange(len(page_session)) - np.repeat(np.cumsum(pages_per_session) - pages_per_session, pages_per_session)
        is_bounce_page = is_bounce[page_session]
        is_meeting = (page_index < 2) & ~is_bounce_page & (rng.random(len(page_session)) < 0.04)
        dwell = np.where(is_meeting, rng.integers(120, 1200, size=len(page_session)),
                         np.where(is_bounce_page, rng.integers(1, 10, size=len(page_session)),
                                  np.minimum(5 + rng.exponential(35.0, size=len(page_session)), 240).astype(np.int64)))
        offset = np.cumsum(dwell) - dwell
        offset -= np.repeat(offset[np.cumsum(pages_per_session) - pages_per_session], pages_per_session)
        keep = offset <= MAX_PAGE_OFFSET
        page_session, is_meeting, dwell, offset = page_session[keep], is_meeting[keep], dwell[keep], offset[keep]
        page_at = s["start"][page_session] + offset
        page_path = rng.integers(0, len(ref.WEB_PAGES), size=len(page_session))

        pings = np.where(is_meeting, 0, (dwell * rng.uniform(0.3, 1.0, size=len(dwell)) // 10).astype(np.int64))
        ping_page = np.repeat(np.arange(len(page_session)), pings)
        ping_at = page_at[ping_page] + 10 * (np.arange(len(ping_page)) - np.repeat(np.cumsum(pings) - pings, pings) + 1)
        meeting_page = np.flatnonzero(is_meeting)
        interactions = np.where(is_meeting, 0, np.minimum(rng.poisson(0.9 * dwell / 60.0), 5))
        act_page = np.repeat(np.arange(len(page_session)), interactions)
        act_at = page_at[act_page] + (rng.random(len(act_page)) * dwell[act_page]).astype(np.int64) + 1
        act_type = rng.choice(len(ref.INTERACTION_TYPES), size=len(act_page), p=ref.INTERACTION_WEIGHTS)

        # Event type codes: 0 view, 1 ping, 2 meeting_joined, 3 meeting_left, 10+ interaction, 100+ anchor.
        a_session = s["anchor_session"]
        a_page = np.searchsorted(page_session, a_session)  # the session's first page
        ev_page = np.concatenate([np.arange(len(page_session)), ping_page, meeting_page, meeting_page, act_page, a_page])
        ev_at = np.concatenate([page_at, ping_at, page_at[meeting_page] + 5, page_at[meeting_page] + dwell[meeting_page] - 1,
                                act_at, s["anchor_at"]])
        ev_code = np.concatenate([np.zeros(len(page_at), np.int64), np.ones(len(ping_at), np.int64),
                                  np.full(len(meeting_page), 2), np.full(len(meeting_page), 3), 10 + act_type, 100 + s["anchor_kind"]])
        ev_order = np.concatenate([np.full(len(ev_at) - len(a_session), -1), s["anchor_order"]])
        ev_session = page_session[ev_page]
        sort = np.lexsort((ev_code, ev_at, ev_session))
        ev_page, ev_at, ev_code, ev_order, ev_session = ev_page[sort], ev_at[sort], ev_code[sort], ev_order[sort], ev_session[sort]
        n_events = len(ev_at)
        seq = np.arange(n_events) - np.searchsorted(ev_session, ev_session)

        platform = self.device_platform[s["anonymous_code"]][ev_session]
        type_names = np.concatenate([["view", "page_ping", "meeting_joined", "meeting_left"], [""] * 6, ref.INTERACTION_TYPES])
        view_name = np.where(platform == 0, "page_view", "screen_view")
        event_type = np.where(ev_code == 0, view_name,
                              np.where(ev_code >= 100, ANCHOR_TYPES[np.maximum(ev_code - 100, 0)],
                                       type_names[np.minimum(ev_code, len(type_names) - 1)]))
        customer = s["customer"][ev_session]
        logged_in = (customer >= 0) & (ev_at >= s["login_at"][ev_session])
        landing = seq == 0
        source = s["source"][ev_session]
        country = s["country"][ev_session]
        anonymous = s["anonymous_code"][ev_session]
        traffic = ref.TRAFFIC_SOURCES

        def landing_field(name: str) -> pa.Array:
            values = [getattr(t, name) for t in traffic]
            idx = np.where(landing & np.array([v is not None for v in values])[source], source, -1)
            return categorical([v or "" for v in values], idx)

        web_page = page_path[ev_page]
        page = np.where(platform == 0, ref.WEB_PAGES[web_page], np.char.add("screen/", ref.APP_SCREENS[web_page % len(ref.APP_SCREENS)]))
        order_ref = np.where(ev_order >= 0, ev_order, 0)
        purchase_extra = pa.compute.if_else(
            pa.array(ev_order >= 0),
            pa.compute.binary_join_element_wise(',"order_id":"', order_ids.take(pa.array(order_ref)), '"', ""),
            "",
        )
        properties = pa.compute.binary_join_element_wise(
            '{"seq_in_session":', pa.compute.cast(pa.array(seq), pa.string()), purchase_extra, "}", ""
        )

        received = ev_at + rng.integers(1, 6, size=n_events)
        late = rng.random(n_events) < self.late_rate
        received[late] += rng.integers(1, 4, size=late.sum()) * DAY + rng.integers(0, 3600, size=late.sum())
        shuffled = ~late & (rng.random(n_events) < self.out_of_order_rate)
        received[shuffled] += rng.integers(60, 1200, size=shuffled.sum())
        received = np.minimum(received, self.window.end - 1)

        ids = np.arange(self.next_event_number, self.next_event_number + n_events)
        self.next_event_number += n_events
        t = self.truth
        t.events += n_events
        t.page_pings += len(ping_at)
        t.engaged_seconds += 10 * len(ping_at) + int((dwell[meeting_page] - 6).sum())
        t.late_events += int(late.sum())
        t.out_of_order_events += int(shuffled.sum())

        table = pa.table({
            "event_id": prefixed("ev_", ids),
            "anonymous_id": prefixed("anon_", anonymous),
            "customer_id": pa.compute.if_else(pa.array(logged_in), prefixed("cus_", np.maximum(customer, 0)), pa.scalar(None, pa.string())),
            "event_type": pa.array(event_type),
            "client_timestamp": iso_local(ev_at, country),
            "received_at": pa.array((received * 1000).astype("datetime64[ms]"), pa.timestamp("ms", tz="UTC")),
            "page": pa.array(page),
            "referrer": landing_field("referrer"),
            "utm_source": landing_field("utm_source"),
            "utm_medium": landing_field("utm_medium"),
            "utm_campaign": landing_field("utm_campaign"),
            "platform": categorical(list(ref.PLATFORMS), platform),
            "device_type": categorical(list(ref.DEVICES), self.device_type[anonymous]),
            "country": categorical(list(ref.COUNTRIES), country),
            "ip_address": ip_addresses(anonymous),
            "properties": properties,
        })
        return table, received


def ip_addresses(codes: np.ndarray) -> pa.Array:
    """A stable documentation-range-looking IPv4 address per device (PII that must stay in staging)."""
    parts = [pa.compute.cast(pa.array(x), pa.string()) for x in (
        10 + codes % 200, (codes // 200) % 250, (codes // 50_000) % 250, 1 + codes % 253)]
    return pa.compute.binary_join_element_wise(*parts, ".")
