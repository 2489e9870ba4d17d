"""The dashboard on a published warehouse: its queries agree with the marts, its segments
partition the whole, and every page renders its charts with data in headless Chromium."""

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from engagement_warehouse.browser import find_chromium
from engagement_warehouse.dashboard.queries import AUDIENCES, Filters, PublishedWarehouse, WarehouseMissing
from engagement_warehouse.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "engagement_warehouse" / "dashboard" / "app.py"

# What each page must draw (SPEC §3 subjects of the issue), matched against the rendered chart titles.
EXPECTED_CHARTS = {
    "engagement": ["DAU, WAU", "Stickiness", "Engagement and bounce rate", "Time spent"],
    "retention": ["Retention by signup week"],
    "funnel": ["Funnel"],
    "revenue": ["MRR movements", "Net revenue retention"],
    "nps": ["NPS by month with its 95% interval"],
    "clv": ["Predictive CLV per customer", "multiple of everyone else"],
    "messaging": ["Messaging rates by channel", "reached on one channel vs two or more"],
    "audiences": ["Activation audiences"],
}


@pytest.fixture(scope="module")
def published(materialised_graph) -> Path:
    return materialised_graph / "published" / "engagement.duckdb"


@pytest.fixture(scope="module")
def warehouse(published) -> PublishedWarehouse:
    return PublishedWarehouse(published)


def mart(published: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_missing_warehouse_says_how_to_make_one(tmp_path):
    with pytest.raises(WarehouseMissing, match="make demo"):
        PublishedWarehouse(tmp_path / "nowhere.duckdb")


def test_country_segments_partition_the_active_customers_and_the_mrr(warehouse, published):
    first, last = warehouse.date_bounds()
    everyone = Filters(first, last)
    segments = [Filters(first, last, country) for country in warehouse.countries()]
    assert len(segments) >= 2

    active_customers = dict(mart(published, "select activity_date, active_customers from marts.engagement_daily"))
    dau_by_day: dict[date, int] = {}
    for segment in segments:
        for row in warehouse.engagement_daily(segment).itertuples():
            dau_by_day[row.activity_date.date()] = dau_by_day.get(row.activity_date.date(), 0) + row.dau
    assert {day: dau_by_day[day] for day in active_customers} == active_customers

    whole = warehouse.mrr_months(everyone).set_index("month_start")
    expected = mart(published, "select month_start, start_mrr, new_mrr, churned_mrr, end_mrr, net_revenue_retention "
                               "from marts.mrr_monthly order by month_start")
    assert len(whole) == len(expected) > 0
    for month, start_mrr, new_mrr, churned_mrr, end_mrr, nrr in expected:
        got = whole.loc[month]
        assert (float(got.start_mrr), float(got.new_mrr), float(got.churned_mrr), float(got.end_mrr)) == pytest.approx(
            (float(start_mrr), float(new_mrr), float(churned_mrr), float(end_mrr)))
        assert (nrr is None and got.net_revenue_retention != got.net_revenue_retention) or got.net_revenue_retention == pytest.approx(nrr)
    segment_end_mrr = sum(float(warehouse.mrr_months(segment)["end_mrr"].sum()) for segment in segments)
    assert segment_end_mrr == pytest.approx(float(whole["end_mrr"].sum()))


def test_a_segment_counts_wau_and_mau_over_trailing_windows(warehouse, published):
    first, last = warehouse.date_bounds()
    country = warehouse.countries()[0]
    daily = warehouse.engagement_daily(Filters(last, last, country)).iloc[0]
    # Independent count: the country's customers with any event in the last 7 / 30 days.
    (expected_wau, expected_mau), = mart(published, f"""
        select count(distinct case when event_date > date '{last}' - 7 then person_key end),
               count(distinct person_key)
        from marts.fct_events
        where event_date between date '{last}' - 29 and date '{last}'
          and person_key in (select customer_key from marts.dim_customers where country = '{country}')""")
    assert (daily.wau, daily.mau) == (expected_wau, expected_mau)
    assert daily.mau > 0


def test_the_funnel_of_each_channel_group_adds_up_to_the_whole(warehouse):
    first, last = warehouse.date_bounds()
    everyone = Filters(first, last)
    whole = warehouse.funnel(everyone).set_index("step")["persons"]
    groups = [warehouse.funnel(everyone, group).set_index("step")["persons"] for group in warehouse.funnel_channel_groups()]
    assert len(groups) >= 2 and whole["visitors"] > 0
    assert (sum(groups) == whole).all()


def test_an_empty_range_gives_empty_frames_not_errors(warehouse):
    empty = Filters(date(1999, 1, 1), date(1999, 1, 31))
    assert warehouse.engagement_daily(empty).empty and warehouse.mrr_months(empty).empty
    assert warehouse.nps_months(empty).empty and warehouse.messaging_by_channel(empty).empty
    assert warehouse.funnel(empty)["persons"].sum() == 0


def test_the_exposure_lists_exactly_the_marts_the_dashboard_reads():
    exposure, = yaml.safe_load((PROJECT_ROOT / "models" / "_exposures.yml").read_text())["exposures"]
    declared = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in exposure["depends_on"]}
    source = (PROJECT_ROOT / "engagement_warehouse" / "dashboard" / "queries.py").read_text()
    assert declared == set(re.findall(r"marts\.(\w+)", source)) | set(AUDIENCES)


def test_choosing_a_country_filters_the_engagement_page(warehouse, published, monkeypatch):
    monkeypatch.setenv("EW_PUBLISHED_PATH", str(published))
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception and not app.error
    everyone = {metric.label: metric.value for metric in app.metric}
    country = warehouse.countries()[0]
    app.selectbox[0].select(country).run()
    assert not app.exception and not app.error
    segment = {metric.label: metric.value for metric in app.metric}
    first, last = warehouse.date_bounds()
    expected = warehouse.engagement_daily(Filters(first, last, country)).iloc[-1]
    assert segment["DAU (last day)"] == f"{int(expected.dau):,}" and segment["MAU"] == f"{int(expected.mau):,}"
    assert int(segment["MAU"].replace(",", "")) < int(everyone["MAU"].replace(",", ""))


def test_the_app_tells_how_to_fix_a_missing_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("EW_PUBLISHED_PATH", str(tmp_path / "nowhere.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    assert "make demo" in app.error[0].value


@pytest.mark.skipif(find_chromium() is None,
                    reason="Chromium is not installed (Debian: apt-get install chromium; `make test` installs it)")
def test_every_page_renders_its_charts_with_data_in_a_browser(published, tmp_path):
    from engagement_warehouse.dashboard.browser_check import check_pages
    pages = check_pages(published, tmp_path)
    assert set(pages) == set(EXPECTED_CHARTS)
    for slug, page in pages.items():
        assert page.errors == [], (slug, page.errors)
        assert page.notices == [], (slug, page.notices)
        assert page.filters == 2, slug  # date range and country segment in the sidebar
        for expected in EXPECTED_CHARTS[slug]:
            drawn = [chart for chart in page.charts if expected in chart["title"]]
            assert drawn and drawn[0]["marks"] > 0, (slug, expected, page.charts)
        assert page.screenshot.stat().st_size > 30_000, slug

    (last_dau, last_mau), = mart(published, "select dau, mau from marts.engagement_daily order by activity_date desc limit 1")
    assert pages["engagement"].metrics["DAU (last day)"] == f"{last_dau:,}"
    assert pages["engagement"].metrics["MAU"] == f"{last_mau:,}"
    (valued,), = mart(published, "select count(*) from marts.customer_predicted_value")
    assert pages["clv"].metrics["Customers valued"] == f"{valued:,}"
    (end_mrr,), = mart(published, "select end_mrr from marts.mrr_monthly order by month_start desc limit 1")
    assert pages["revenue"].metrics["MRR at the end of the range"] == f"{float(end_mrr):,.0f}"
