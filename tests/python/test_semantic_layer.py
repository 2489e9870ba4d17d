"""MetricFlow validates the semantic layer against a built warehouse, and every headline metric
it serves equals the mart column that holds the same number (SPEC §3)."""

import csv
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import warehouse_env

from engagement_warehouse.settings import PROJECT_ROOT

MF = str(Path(sys.executable).with_name("mf"))


@pytest.fixture(scope="module")
def metricflow(materialised_graph, semantic_manifest):
    """Runs `mf` on the materialised graph's warehouse; returns (run, query, warehouse path)."""
    env = {**warehouse_env(materialised_graph, materialised_graph / "landing"), "DBT_PROFILES_DIR": str(PROJECT_ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([MF, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)

    def query(metrics: list[str], group_by: list[str], where: str | None = None) -> list[dict]:
        out = materialised_graph / f"mf_{'_'.join(metrics)}.csv"
        args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out)]
        result = run(*args, *(["--where", where] if where else []))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        with out.open() as rows:
            return list(csv.DictReader(rows))

    return run, query, Path(env["EW_WAREHOUSE_PATH"])


def mart(warehouse: Path, sql: str) -> dict:
    """First column (as text, a date's day) -> the other columns."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {str(row[0])[:10]: row[1:] for row in con.execute(sql).fetchall()}


def number(text: str) -> float:
    return math.nan if text in ("", "None", "nan") else float(text)


def assert_same(metricflow_rows: list[dict], key: str, metrics: list[str], expected: dict) -> None:
    got = {row[key][:10]: tuple(number(row[name]) for name in metrics) for row in metricflow_rows if row[key][:10] in expected}
    assert set(got) == set(expected) and expected
    for day, values in expected.items():
        assert got[day] == pytest.approx(tuple(math.nan if v is None else float(v) for v in values), nan_ok=True), day


def test_metricflow_validates_the_semantic_layer_against_the_warehouse(metricflow):
    run, _, _ = metricflow
    result = run("validate-configs")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ERRORS: 0" in result.stdout and "against data warehouse" in result.stdout


def test_engagement_metrics_equal_engagement_daily(metricflow):
    _, query, warehouse = metricflow
    metrics = ["dau", "wau", "mau", "stickiness", "engagement_rate", "bounce_rate", "conversion_rate"]
    rows = query(metrics, ["metric_time__day"])
    assert_same(rows, "metric_time__day", metrics, mart(warehouse, f"select activity_date, {', '.join(metrics)} "
                                                                   "from marts.engagement_daily"))


def test_revenue_metrics_equal_mrr_monthly_and_acquisition_cac(metricflow):
    _, query, warehouse = metricflow
    rows = query(["mrr", "nrr", "customer_churn_rate"], ["metric_time__month"])
    assert_same(rows, "metric_time__month", ["mrr", "nrr", "customer_churn_rate"], mart(
        warehouse, "select month_start, end_mrr, net_revenue_retention, customer_churn_rate from marts.mrr_monthly"))
    rows = query(["cac"], ["metric_time__month", "channel_month__acquisition_channel"])
    by_channel = {f"{row['metric_time__month'][:10]} {row['channel_month__acquisition_channel']}": row for row in rows}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = dict(con.execute("select strftime(month_start, '%Y-%m-%d') || ' ' || acquisition_channel, cac "
                                    "from marts.acquisition_cac").fetchall())
    assert set(by_channel) == set(expected)
    for key, cac in expected.items():
        assert number(by_channel[key]["cac"]) == pytest.approx(math.nan if cac is None else float(cac), nan_ok=True), key


def test_survey_metrics_equal_the_all_rows_of_the_nps_and_csat_marts(metricflow):
    _, query, warehouse = metricflow
    rows = query(["nps", "csat"], ["metric_time__month"])
    expected = mart(warehouse, """
        select nps.response_month, nps.nps, csat.csat
        from marts.nps_monthly as nps
        full join marts.csat_monthly as csat
          on csat.response_month = nps.response_month and csat.dimension = 'all'
        where nps.dimension = 'all'""")
    assert_same(rows, "metric_time__month", ["nps", "csat"], expected)


def test_retention_equals_retention_cohorts(metricflow):
    _, query, warehouse = metricflow
    rows = query(["retention_on_period", "retention_on_or_after_period"],
                 ["cohort__cohort_start__day", "cohort__granularity", "cohort__period_number"])
    got = {(row["cohort__cohort_start__day"][:10], row["cohort__granularity"], int(row["cohort__period_number"])):
           (number(row["retention_on_period"]), number(row["retention_on_or_after_period"])) for row in rows}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = {(str(start)[:10], granularity, period): (on, on_or_after) for start, granularity, period, on, on_or_after
                    in con.execute("select cohort_start, granularity, period_number, retention_on_period, "
                                   "retention_on_or_after_period from marts.retention_cohorts").fetchall()}
    assert got.keys() == expected.keys() and expected
    for key, values in expected.items():
        assert got[key] == pytest.approx(values), key


def test_clv_metrics_equal_the_average_over_dim_customers(metricflow):
    _, query, warehouse = metricflow
    rows = query(["historical_clv", "predictive_clv"], ["customer__country"])
    got = {row["customer__country"]: (number(row["historical_clv"]), number(row["predictive_clv"])) for row in rows}
    expected = mart(warehouse, "select country, avg(historical_clv), avg(predictive_clv) from marts.dim_customers group by country")
    assert got.keys() == expected.keys()
    for country, values in expected.items():
        assert got[country] == pytest.approx(tuple(float(v) for v in values)), country


# ---------------------------------------------------------------- analyst questions: MetricFlow, split, = SQL on the marts

MONTH = "date_trunc('month', {})"
# person -> customer attributes (null for anonymous persons), as the semantic layer's customer entity joins them
CUSTOMER_OF_EVENTS = "marts.fct_events as events left join marts.dim_customers as customers on events.person_key = customers.customer_key"
NRR = ("(sum(start_mrr) + sum(expansion_mrr) + sum(reactivation_mrr) + sum(contraction_mrr) + sum(churned_mrr))"
       " / nullif(sum(start_mrr), 0)")

# (question, metrics, group by, SQL giving the group columns then the metrics; exact: the same groups both ways)
ANALYST_QUESTIONS = [
    ("DAU by country", ["dau"], ["metric_time__day", "person_day_segment__country"],
     "select event_date, coalesce(country, 'unknown'), count(distinct person_key) from marts.fct_events group by all", True),
    ("WAU by platform", ["wau"], ["metric_time__day", "person_day_segment__platform"],
     "select days.event_date, coalesce(events.platform, 'unknown'), count(distinct events.person_key) "
     "from (select distinct event_date from marts.fct_events) as days inner join marts.fct_events as events "
     "on events.event_date between days.event_date - 6 and days.event_date group by all", False),
    ("DAU by the customers' acquisition channel", ["dau"], ["metric_time__day", "customer__acquisition_channel"],
     f"select events.event_date, customers.acquisition_channel, count(distinct events.person_key) from {CUSTOMER_OF_EVENTS} group by all",
     True),
    ("DAU by signup cohort", ["dau"], ["metric_time__day", "customer__signed_up_at__month"],
     f"select events.event_date, {MONTH.format('customers.signed_up_at')}, count(distinct events.person_key) "
     f"from {CUSTOMER_OF_EVENTS} group by all", True),
    ("sessions by channel group, monthly", ["sessions"], ["metric_time__month", "session__channel_group"],
     f"select {MONTH.format('session_date')}, channel_group, count(*) from marts.fct_sessions group by all", True),
    ("engagement and conversion rate by device type, monthly", ["engagement_rate", "conversion_rate"],
     ["metric_time__month", "session__device_type"],
     f"select {MONTH.format('session_date')}, device_type, avg(case when is_engaged then 1.0 else 0 end), "
     "avg(case when conversions > 0 then 1.0 else 0 end) from marts.fct_sessions group by all", True),
    ("monthly NRR by acquisition channel", ["nrr"], ["metric_time__month", "customer__acquisition_channel"],
     f"select movements.month_start, customers.acquisition_channel, {NRR} from marts.mrr_movements as movements "
     "left join marts.dim_customers as customers on movements.customer_key = customers.customer_key group by all", True),
    ("MRR by plan", ["mrr"], ["metric_time__month", "customer_month__end_plan_id"],
     "select month_start, end_plan_id, sum(end_mrr) from marts.mrr_movements group by all", True),
    ("customer churn rate by plan", ["customer_churn_rate"], ["metric_time__month", "customer_month__start_plan_id"],
     "select month_start, start_plan_id, count(case when movement = 'churn' then 1 end) * 1.0 "
     "/ nullif(count(case when start_mrr > 0 then 1 end), 0) from marts.mrr_movements group by all", True),
    # NPS and CSAT against the Python statistics' own counts (nps_monthly, csat_monthly): another path
    ("NPS by plan", ["nps", "nps_respondents"], ["metric_time__month", "survey_answer__plan_id"],
     "select response_month, dimension_value, nps, respondents from marts.nps_monthly where dimension = 'plan_id'", False),
    ("NPS by touchpoint", ["nps"], ["metric_time__month", "survey_answer__touchpoint"],
     "select response_month, dimension_value, nps from marts.nps_monthly where dimension = 'touchpoint'", False),
    ("CSAT by country", ["csat"], ["metric_time__month", "survey_answer__country"],
     "select response_month, dimension_value, csat from marts.csat_monthly where dimension = 'country'", True),
    ("MRR without a month is the last month's, never a sum of months", ["mrr"], ["customer__acquisition_channel"],
     "select customers.acquisition_channel, sum(movements.end_mrr) from marts.mrr_movements as movements "
     "left join marts.dim_customers as customers on movements.customer_key = customers.customer_key "
     "where movements.month_start = (select max(month_start) from marts.mrr_movements) group by all", True),
    ("quarterly NPS is the quarter's last month, never a sum of months", ["nps"], ["metric_time__quarter"],
     "select date_trunc('quarter', response_month), arg_max(nps, response_month) from marts.nps_monthly "
     "where dimension = 'all' group by all", True),
]


def _key(value: str | None) -> str:
    """A group value as text: a date's day, or the value itself ('' for null, as mf writes it)."""
    text = "" if value is None else str(value)
    return text[:10] if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" else text


@pytest.mark.parametrize("question, metrics, group_by, sql, exact", ANALYST_QUESTIONS, ids=[q[0] for q in ANALYST_QUESTIONS])
def test_analyst_questions_split_metrics_as_sql_on_the_marts_does(metricflow, question, metrics, group_by, sql, exact):
    _, query, warehouse = metricflow
    rows = query(metrics, group_by)
    got = {tuple(_key(row[name]) for name in group_by): tuple(number(row[name]) for name in metrics) for row in rows}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = {tuple(_key(value) for value in row[:len(group_by)]): row[len(group_by):] for row in con.execute(sql).fetchall()}
    assert expected and (len(group_by) == 1 or len({key[-1] for key in expected}) > 1), f"{question}: nothing to split"
    if exact:
        assert got.keys() == expected.keys(), question
    else:  # a trailing window also answers for days after the last event, NPS/CSAT for groups with only the other survey
        assert expected.keys() <= got.keys(), question
    for key, values in expected.items():
        assert got[key] == pytest.approx(tuple(math.nan if v is None else float(v) for v in values), nan_ok=True), (question, key)
