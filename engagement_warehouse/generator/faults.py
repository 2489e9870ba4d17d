"""Fault injection: appends corrupted copies of clean rows, one fault class per copy.

Copies (rather than in-place edits) keep the clean data intact, so after the warehouse
quarantines the faults and removes the duplicates, what is left is exactly what was
generated. Each class maps to the reason code the warehouse must give it (duplicates are
removed and counted rather than quarantined).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engagement_warehouse.generator.population import DAY

DUPLICATE = "duplicate"


@dataclass(frozen=True)
class TableShape:
    """Which columns of a raw table each fault class corrupts (None: the class does not apply)."""

    id_column: str
    timestamp_column: str | None = None
    customer_column: str | None = None
    amount_column: str | None = None
    currency_column: str | None = None
    score_column: str | None = None
    json_column: str | None = None
    event_type_column: str | None = None
    future_timestamps: bool = False
    received_column: str | None = None


SHAPES = {
    "events": TableShape("event_id", "client_timestamp", "customer_id", json_column="properties",
                         event_type_column="event_type", future_timestamps=True, received_column="received_at"),
    "customers": TableShape("customer_id", "updated_at"),
    "subscriptions": TableShape("subscription_id", "effective_at", "customer_id", "amount", "currency"),
    "orders": TableShape("order_id", "ordered_at", "customer_id", "amount", "currency", future_timestamps=True),
    "survey_responses": TableShape("response_id", "responded_at", "customer_id", score_column="score"),
    "reviews": TableShape("review_id", "created_at", score_column="rating"),
    "marketing_spend": TableShape("channel", amount_column="amount", currency_column="currency"),
    "messages": TableShape("message_id", "sent_at", "customer_id"),
}


def fault_classes(shape: TableShape) -> dict[str, str]:
    """Fault class -> the reason code (or ``duplicate``) the warehouse must assign it."""
    classes = {"exact_duplicate": DUPLICATE, "resent_duplicate": DUPLICATE, "null_id": "null_id"}
    optional = {
        "unparseable_timestamp": shape.timestamp_column,
        "future_timestamp": shape.timestamp_column if shape.future_timestamps else None,
        "unknown_event_type": shape.event_type_column,
        "malformed_json": shape.json_column,
        "invalid_amount": shape.amount_column,
        "unknown_currency": shape.currency_column,
        "score_out_of_range": shape.score_column,
        "orphan_customer": shape.customer_column,
    }
    classes.update({name: name for name, column in optional.items() if column})
    return classes


def _replace(table: pa.Table, column: str, values) -> pa.Table:
    index = table.schema.get_field_index(column)
    field = table.schema.field(index)
    return table.set_column(index, field, pa.array(values, field.type) if not isinstance(values, pa.Array) else values.cast(field.type))


def _corrupt(rng: np.random.Generator, name: str, copy: pa.Table, shape: TableShape) -> pa.Table:
    n = copy.num_rows
    if name == "null_id":
        return _replace(copy, shape.id_column, rng.choice(np.array([None, "", "  "], dtype=object), size=n))
    if name == "unparseable_timestamp":
        unparseable = ["not a timestamp", "2026-13-45T25:61:00", "31/02/2026 10:00", ""]
        return _replace(copy, shape.timestamp_column, rng.choice(unparseable, size=n))
    if name == "future_timestamp":
        years_ahead = rng.integers(2, 5, size=n)
        return _replace(copy, shape.timestamp_column, [f"{2030 + y}-01-01T00:00:00+00:00" for y in years_ahead])
    if name == "unknown_event_type":
        return _replace(copy, shape.event_type_column, rng.choice(["pageview", "tap", "unknown_event", "page view"], size=n))
    if name == "malformed_json":
        return _replace(copy, shape.json_column, rng.choice(['{"seq_in_session": 3', "{'seq_in_session': 3}", "not json"], size=n))
    if name == "invalid_amount":
        amount = copy.column(shape.amount_column).to_numpy()
        return _replace(copy, shape.amount_column, -np.abs(amount) - rng.integers(1, 100, size=n))
    if name == "unknown_currency":
        return _replace(copy, shape.currency_column, rng.choice(["ZZZ", "XBT", "EURO"], size=n))
    if name == "score_out_of_range":
        return _replace(copy, shape.score_column, rng.choice([-1, 11, 12, 99], size=n))
    if name == "orphan_customer":
        return _replace(copy, shape.customer_column, [f"cus_unknown_{i}" for i in rng.integers(0, 10**6, size=n)])
    raise ValueError(f"unknown fault class {name!r}")


def inject(rng: np.random.Generator, table_name: str, table: pa.Table, load_day: np.ndarray, rate: float,
           counts: dict[str, int]) -> tuple[pa.Table, np.ndarray]:
    """Append faulty copies of random rows; returns the rows and each row's load day, and adds to ``counts``."""
    shape = SHAPES[table_name]
    parts, days = [table], [load_day]
    if table.num_rows == 0 or rate <= 0:
        return table, load_day
    for name in fault_classes(shape):
        k = rng.binomial(table.num_rows, rate)
        if k == 0:
            continue
        picked = rng.choice(table.num_rows, size=k, replace=False)
        copy = table.take(pa.array(picked))
        day = load_day[picked]
        if name == "resent_duplicate":
            # Re-sent by the source later the same day or up to two days later; the earliest copy wins.
            shift = rng.integers(0, 3, size=k)
            day = day + shift
            if shape.received_column:
                delay_ms = (shift * DAY + 60) * 1000
                received = pc.add(copy.column(shape.received_column), pa.array(delay_ms, pa.duration("ms")))
                copy = _replace(copy, shape.received_column, received)
        elif name != "exact_duplicate":
            copy = _corrupt(rng, name, copy, shape)
        counts[name] = counts.get(name, 0) + k
        parts.append(copy)
        days.append(day)
    return pa.concat_tables(parts), np.concatenate(days)
