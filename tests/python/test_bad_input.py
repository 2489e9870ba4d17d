"""Hand-made bad rows, one per fault class, all in one build: each lands in quarantine with its reason and the build succeeds."""

import csv
import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import BUILD_UP_TO_STATISTICS, generate_small, run_dbt, warehouse_env

from engagement_warehouse.settings import PROJECT_ROOT

GOOD_TIME = "2026-06-02T10:00:00+02:00"
EVENT = {"event_id": "ev_bad", "anonymous_id": "anon_bad", "customer_id": None, "event_type": "page_view",
         "client_timestamp": GOOD_TIME, "properties": "{}"}
ORDER = {"order_id": "ord_bad", "customer_id": "cus_0", "ordered_at": GOOD_TIME, "amount": 10.0, "currency": "EUR",
         "status": "paid"}
SURVEY = {"response_id": "rsp_bad", "customer_id": "cus_0", "survey_type": "nps", "score": 9, "responded_at": GOOD_TIME}
SUBSCRIPTION = {"subscription_id": "sub_bad", "customer_id": "cus_0", "effective_at": GOOD_TIME}
ERASED = "cus_1"

CASES = [
    pytest.param("events", {**EVENT, "event_id": ""}, "null_id", id="event-empty-id"),
    pytest.param("events", {**EVENT, "client_timestamp": "yesterday"}, "unparseable_timestamp", id="event-bad-time"),
    pytest.param("events", {**EVENT, "client_timestamp": "2031-01-01T00:00:00Z"}, "future_timestamp", id="event-future"),
    pytest.param("events", {**EVENT, "event_type": "teleport"}, "unknown_event_type", id="event-unknown-type"),
    pytest.param("events", {**EVENT, "properties": "{oops"}, "malformed_json", id="event-bad-json"),
    pytest.param("events", {**EVENT, "customer_id": "cus_nobody"}, "orphan_customer", id="event-orphan"),
    pytest.param("orders", {**ORDER, "amount": -5.0}, "invalid_amount", id="order-negative"),
    pytest.param("orders", {**ORDER, "amount": 0.0}, "invalid_amount", id="order-zero"),
    pytest.param("orders", {**ORDER, "currency": "DOGE"}, "unknown_currency", id="order-currency"),
    pytest.param("orders", {**ORDER, "status": "lost"}, "invalid_value", id="order-status"),
    pytest.param("subscriptions", {**SUBSCRIPTION, "plan_id": "gold_plan"}, "invalid_value", id="subscription-unknown-plan"),
    pytest.param("survey_responses", {**SURVEY, "score": 11}, "score_out_of_range", id="nps-11"),
    pytest.param("survey_responses", {**SURVEY, "survey_type": "csat", "score": 0}, "score_out_of_range", id="csat-0"),
]

# Timestamps as common exports write them, each read as the same instant, 2026-06-02 10:00 UTC (epoch 1780394400):
# (table, row, staging table, id column, timestamp column).
READ_TIMES = [
    pytest.param("events", {**EVENT, "event_id": "ev_epoch_ms", "client_timestamp": "1780394400000"},
                 "stg_app__events", "event_id", "event_at", id="epoch-milliseconds"),
    pytest.param("orders", {**ORDER, "order_id": "ord_offset_after_a_space", "ordered_at": "2026-06-02 05:00:00 -0500"},
                 "stg_billing__orders", "order_id", "ordered_at", id="offset-after-a-space"),
    pytest.param("survey_responses", {**SURVEY, "response_id": "rsp_epoch_s", "responded_at": " 1780394400 "},
                 "stg_feedback__survey_responses", "response_id", "responded_at", id="epoch-seconds"),
]

# Staged rows in shapes that once stopped the build or every customer: an amount too large for DuckDB's 64-bit decimal
# product with the currency rate; a customers export without updated_at (an optional column).
HUGE_ORDER = {**ORDER, "order_id": "ord_huge", "amount": 9_999_999_999_999.0}
CUSTOMERS_WITHOUT_VERSIONS = ("customer_id,email,created_at,country,acquisition_campaign\n"
                              "cus_unversioned,u@example.com,2026-06-01T09:00:00Z,DE,friend jane.roe@example.org\n")

def _pseudonymous_key(value: str) -> str:
    """md5('<salt>:' || value) with the default salt, as the messaging tool computes a customer's key."""
    return hashlib.md5(f"engagement-warehouse:{value}".encode()).hexdigest()


def _withheld_label(value: str) -> str:
    """A label that holds contact data, as staging keeps it: eight characters of its pseudonymous key."""
    return f"[contact data {_pseudonymous_key(value)[:8]}]"


# Contact data where a tracker or export put it: staged, with the contact data left behind (event id: column, value
# landed, value staged). The anonymous id becomes its pseudonymous key (md5 of the default salt and the id).
CONTACT_DATA_EVENTS = [
    ("ev_id_is_email", "anonymous_id", "jane.roe@example.org", _pseudonymous_key("jane.roe@example.org")),
    ("ev_path_email", "page", "/users/jane.roe@example.org/profile", "/users/[contact data]/profile"),
    ("ev_path_encoded", "page", "/p/jane.roe%40example.org", "/p/[contact data]"),
    ("ev_search", "page", "/search?q=Jane+Roe&ip=203.0.113.77&plan=pro", "/search?q=redacted&ip=redacted&plan=pro"),
    ("ev_utm_source", "utm_source", "newsletter_jane.roe@example.org", _withheld_label("newsletter_jane.roe@example.org")),
    ("ev_utm_campaign", "utm_campaign", "winback Jane Roe +44 7700 900123", _withheld_label("winback Jane Roe +44 7700 900123")),
    ("ev_device", "device_type", "(555) 867-5309", _withheld_label("(555) 867-5309")),
    ("ev_fullwidth_at", "page", "/u/quenby＠example.org/settings", "/u/[contact data]/settings"),
    ("ev_double_encoded", "page", "/u/jane.roe%2540example.org", "/u/[contact data]"),
    ("ev_ipv6", "page", "/debug?host=2001:db8:85a3::8a2e:370:7334&x=1", "/debug?host=[contact data]&x=1"),
    ("ev_userinfo", "referrer", "https://jane:hunter2@example.org/", "https:[contact data]/"),
    ("ev_local_phone", "utm_campaign", "call 07700 900123", _withheld_label("call 07700 900123")),
    ("ev_fullwidth_plus", "utm_campaign", "＋44 7700 900123", _withheld_label("＋44 7700 900123")),
    # what real products emit and is no contact data stays as it is
    *((event_id, column, value, value) for event_id, column, value in [
        ("ev_plain", "utm_campaign", "spring_sale_2026-06"),
        ("ev_time", "page", "/schedule?at=10:15:00&day=2026-06-02"),
        ("ev_uuid", "anonymous_id", "3f2b8c1e-0417-4932-a1b2-c3d4e5f6a7b8"),
        ("ev_uuid_path", "page", "/orders/3f2b8c1e-0417-4932-a1b2-c3d4e5f6a7b8"),
        ("ev_at_sign", "utm_campaign", "Black Friday @ 50% off"),
        ("ev_ab_test", "utm_campaign", "exp::b"),
        ("ev_range", "page", "/reports?range=2024-01-01+2024-12-31"),
        ("ev_package", "referrer", "https://unpkg.com/react@18.2.0/umd/react.js"),
        ("ev_invoice", "utm_campaign", "INV-0001-2345 02139-4307"),
    ]),
]
PLANTED = ["jane.roe", "Jane Roe", "Jane+Roe", "203.0.113.77", "7700 900123", "867-5309", "quenby", "hunter2", "2001:db8"]
ORDER_ID_WITH_EMAIL = "ord:jane.roe@example.org"
COMMENTS_WITH_CONTACT_DATA = ["Export broke, my server is 2001:db8:85a3::8a2e:370:7334", "write to quenby＠example.org please"]
# two campaigns of one channel and day that both name a person: two spend rows, not a row and its duplicate
SPEND_CAMPAIGNS = ["winback jane.roe@example.org", "winback john.doe@example.org"]


@pytest.fixture(scope="module")
def built_with_every_bad_row(tmp_path_factory):
    """One build over clean data plus one hand-made file per case (`<case id>.parquet`), so the cases share it."""
    root = tmp_path_factory.mktemp("bad_rows")
    landing = root / "landing"
    generate_small(landing, customers=30, days=3, fault_rate=0.0)
    for case in CASES + READ_TIMES + [pytest.param("orders", HUGE_ORDER, id="order-huge-amount")]:
        table, overrides = case.values[:2]
        template_file = next((landing / table).glob("2026-*.parquet"))
        row = {**pq.read_table(template_file).slice(0, 1).to_pylist()[0], **overrides}
        pq.write_table(pa.Table.from_pylist([row], schema=pq.read_schema(template_file)), landing / table / f"{case.id}.parquet")
    (landing / "customers" / "crm dump.csv").write_text(CUSTOMERS_WITHOUT_VERSIONS)
    for day, consent in (("2026-06-01", "true"), ("2026-06-02", "false")):  # a daily re-export without versions
        (landing / "customers" / f"crm {day}.csv").write_text(
            f"customer_id,created_at,consent_email\ncus_reexported,2026-06-01T08:00:00Z,{consent}\n")
    (landing / "erasure_requests").mkdir(exist_ok=True)
    template_file = next((landing / "events").glob("2026-*.parquet"))
    template = pq.read_table(template_file).slice(0, 1).to_pylist()[0]
    planted = [{**template, **EVENT, "event_id": event_id, column: value} for event_id, column, value, _ in CONTACT_DATA_EVENTS]
    # an erased customer's event: their free text goes with them
    planted.append({**template, **EVENT, "event_id": "ev_erased", "customer_id": ERASED, "utm_campaign": "spring",
                    "properties": '{"email": "jane.roe@example.org"}'})
    pq.write_table(pa.Table.from_pylist(planted, schema=pq.read_schema(template_file)), landing / "events" / "tracker.parquet")
    pq.write_table(pa.Table.from_pylist([{"request_id": "er_bad", "customer_id": ERASED, "requested_at": datetime(2026, 6, 3)}]),
                   landing / "erasure_requests" / "erase one.parquet")
    surveys = pq.read_schema(next((landing / "survey_responses").glob("2026-*.parquet")))
    pq.write_table(pa.Table.from_pylist([{**SURVEY, "response_id": f"rsp_comment_{n}", "comment": comment}
                                         for n, comment in enumerate(COMMENTS_WITH_CONTACT_DATA)], schema=surveys),
                   landing / "survey_responses" / "comments.parquet")
    orders = pq.read_schema(next((landing / "orders").glob("2026-*.parquet")))
    pq.write_table(pa.Table.from_pylist([{**ORDER, "order_id": ORDER_ID_WITH_EMAIL}], schema=orders), landing / "orders" / "id.parquet")
    (landing / "marketing_spend" / "agency.csv").write_text("spend_date,channel,campaign,amount,currency\n" + "".join(
        f"2026-06-02,paid_social,{campaign},100.00,USD\n" for campaign in SPEND_CAMPAIGNS))
    pq.write_table(pa.Table.from_pylist([{"request_id": "er_case", "customer_id": " CUS_0 ", "requested_at": datetime(2026, 6, 3)}]),
                   landing / "erasure_requests" / "mistyped.parquet")
    # an erasure request without a customer id (nobody to erase) beside one for a customer who never landed
    (landing / "erasure_requests").mkdir(exist_ok=True)
    (landing / "erasure_requests" / "privacy tool.csv").write_text(
        "customer_id,requested_at\n,2026-06-02T10:00:00Z\ncus_never_landed,2026-06-02T10:00:00Z\n")
    env = warehouse_env(root, landing)
    result = run_dbt(env, *BUILD_UP_TO_STATISTICS, "--vars", '{"verify_injected_faults": false}')
    assert result.returncode == 0, result.stdout[-3000:]
    return env


@pytest.mark.parametrize("table, overrides, reason", CASES)
def test_bad_row_is_quarantined_with_its_reason(built_with_every_bad_row, request, table, overrides, reason):
    case_id = request.node.callspec.id
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        quarantined = con.execute(
            f"select reason_code from staging.quarantine_{_source_of(table)}__{table} where load_id = ?", [f"{case_id}.parquet"]
        ).fetchall()
    assert quarantined == [(reason,)]


def _source_of(table: str) -> str:
    return {"events": "app", "orders": "billing", "subscriptions": "billing", "survey_responses": "feedback"}[table]


def test_an_amount_beyond_a_64_bit_decimal_product_is_converted_exactly(built_with_every_bad_row):
    """9,999,999,999,999 EUR times the EUR rate (decimal(18, 8)) overflowed DuckDB's 64-bit decimal product in
    fct_orders and stopped the build; it is staged and converted with the seeds' rate."""
    rates = dict(csv.reader((PROJECT_ROOT / "seeds" / "currency_rates.csv").open()))
    reporting = dict(row[:2] for row in csv.reader((PROJECT_ROOT / "seeds" / "reporting_settings.csv").open()))["reporting_currency"]
    eur_rate = round(Decimal(rates["EUR"]) / Decimal(rates[reporting]), 8)
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        converted = con.execute("select amount_local, gross_amount from marts.fct_orders where order_id = 'ord_huge'").fetchall()
    assert converted == [(Decimal("9999999999999.00"), Decimal("9999999999999.00") * eur_rate)]


def test_a_customers_export_without_updated_at_stages_one_version_from_created_at(built_with_every_bad_row):
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        staged = con.execute("select created_at, updated_at from staging.stg_app__customers "
                             "where customer_id = 'cus_unversioned'").fetchall()
    assert staged == [(datetime(2026, 6, 1, 9, 0), datetime(2026, 6, 1, 9, 0))]


@pytest.mark.parametrize("table, row, staging_table, id_column, timestamp_column", READ_TIMES)
def test_epoch_and_spaced_offset_timestamps_are_read_as_utc(built_with_every_bad_row, table, row, staging_table, id_column,
                                                            timestamp_column):
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        read = con.execute(f"select {timestamp_column} from staging.{staging_table} where {id_column} = ?", [row[id_column]]).fetchall()
    assert read == [(datetime(2026, 6, 2, 10, 0),)]


def test_an_erasure_request_without_a_customer_id_is_counted_not_dropped(built_with_every_bad_row):
    folder = Path(built_with_every_bad_row["EW_LANDING_DIR"]) / "erasure_requests"
    landed = sum(pq.read_metadata(path).num_rows for path in folder.glob("*.parquet"))  # the generator's, all valid
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        requests = con.execute("select row_disposition, reason_code, row_count, raw_row_count from marts.load_reconciliation "
                               "where table_name = 'erasure_requests' order by all").fetchall()
    assert requests == [("quarantined", "null_id", 1, landed + 2), ("staged", None, landed + 1, landed + 2)]


@pytest.mark.parametrize("event_id, column, landed, staged", CONTACT_DATA_EVENTS, ids=[case[0] for case in CONTACT_DATA_EVENTS])
def test_contact_data_in_ids_urls_and_labels_is_left_behind_in_staging(built_with_every_bad_row, event_id, column, landed, staged):
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        assert con.execute(f"select {column} from staging.stg_app__events where event_id = ?", [event_id]).fetchall() == [(staged,)]


def test_no_planted_contact_data_reaches_a_mart(built_with_every_bad_row):
    """Every text column of every mart, scanned for the planted values (events, and a customer's campaign label)."""
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        assert con.execute("select acquisition_campaign from staging.stg_app__customers where customer_id = 'cus_unversioned'"
                           ).fetchall() == [(_withheld_label("friend jane.roe@example.org"),)]
        columns = con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
                              "and data_type = 'VARCHAR'").fetchall()
        assert len(columns) > 20
        found = [(table, column, value) for table, column in columns for value in PLANTED
                 if con.execute(f'select count(*) from marts."{table}" where contains("{column}", ?)', [value]).fetchone()[0]]
    assert found == []


def test_an_erased_customers_free_text_is_nulled_in_the_base_table(built_with_every_bad_row):
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        erased = con.execute("select row_disposition, customer_id, properties, utm_campaign from staging.base_app__events "
                             "where event_id = 'ev_erased'").fetchall()
    assert erased == [("erased", None, None, None)]


def test_an_erasure_request_whose_id_differs_from_a_customers_only_in_case_is_named(built_with_every_bad_row):
    """Customer ids are case-sensitive: ' CUS_0 ' erases nobody while cus_0 is built. The preflight names the file and
    row (not the id), and the customer is still staged, as the request does not name them."""
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        findings = con.execute("select severity, load_id, column_name, problem, fix from landing.preflight_findings "
                               "where table_name = 'erasure_requests' and severity = 'warning'").fetchall()
        staged = con.execute("select count(*) from staging.stg_app__customers where customer_id = 'cus_0'").fetchone()[0]
    assert findings == [("warning", "mistyped.parquet", "customer_id",
                         "load_row_number 0: the customer id matches no landed customer but one that differs only in case or "
                         "spaces, so the request erases nobody.",
                         "customer ids are case-sensitive: write the id exactly as the customers files have it.")]
    assert staged == 1


def test_an_id_that_is_contact_data_is_staged_as_its_pseudonymous_key(built_with_every_bad_row):
    key = _pseudonymous_key(ORDER_ID_WITH_EMAIL)
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_billing__orders where order_id = ?", [key]).fetchone() == (1,)


def test_spend_rows_are_told_apart_by_their_labels_as_landed_then_withheld(built_with_every_bad_row):
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        rows = con.execute("select row_disposition, campaign, amount from staging.base_marketing__marketing_spend "
                           "where load_id = 'agency.csv'").fetchall()
    assert sorted(rows) == sorted(("staged", _withheld_label(campaign), Decimal("100.00")) for campaign in SPEND_CAMPAIGNS)


def test_a_comment_with_an_ip_address_or_a_full_width_at_is_withheld(built_with_every_bad_row):
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        withheld = con.execute("select is_comment_withheld, comment from marts.fct_survey_comments "
                               "where starts_with(response_id, 'rsp_comment_') order by response_id").fetchall()
    assert withheld == [(True, None), (True, None)]


def test_of_a_re_exported_customer_without_versions_the_last_load_wins(built_with_every_bad_row):
    """Without updated_at both rows are one version (from created_at): the later file's withdrawn consent applies."""
    with duckdb.connect(built_with_every_bad_row["EW_WAREHOUSE_PATH"], read_only=True) as con:
        rows = con.execute("select load_id, row_disposition, consent_email from staging.base_app__customers "
                           "where customer_id = 'cus_reexported' order by load_id").fetchall()
    assert rows == [("crm 2026-06-01.csv", "duplicate", True), ("crm 2026-06-02.csv", "staged", False)]
