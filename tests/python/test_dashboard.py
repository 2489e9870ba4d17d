"""The dashboard on a published warehouse: its semantic-layer answers equal the marts and independent SQL
on them, each filter narrows by the dimension it names, and every page renders at its URL in headless
Chromium with its filters, charts that change with them, and CSV downloads of what they show."""

import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from engagement_warehouse.browser import find_chromium
from engagement_warehouse.dashboard.app import FILTER_TITLES, PAGES
from engagement_warehouse.dashboard.queries import AUDIENCES, SEGMENTS, SEMANTIC_MODEL_MARTS, Filters, PublishedWarehouse, WarehouseMissing
from engagement_warehouse.semantic_layer import SemanticLayer, SemanticManifestMissing
from engagement_warehouse.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "engagement_warehouse" / "dashboard" / "app.py"
needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="Chromium is not installed (Debian: apt-get install chromium; `make test` installs it)")

# What each page must draw (SPEC §3 subjects and the analyst questions of issue 19), matched against chart titles.
EXPECTED_CHARTS = {
    "": [],
    "engagement": ["DAU, WAU, MAU", "Stickiness", "Engagement and bounce rate", "Sessions by channel group", "Time spent"],
    "retention": ["Retention by signup week"],
    "funnel": ["Funnel"],
    "revenue": ["MRR movements", "MRR at the end of each month by plan", "Net revenue retention"],
    "acquisition": ["Customer acquisition cost by paid channel", "Marketing spend"],
    "nps": ["NPS by month with its 95% interval"],
    "feedback": ["Complaints about each theme per text", "NPS of respondents mentioning a theme"],
    "clv": ["Predictive CLV per customer", "multiple of everyone else"],
    "messaging": ["Messaging rates by channel", "reached on one channel vs two or more"],
    "audiences": ["Activation audiences"],
}


@pytest.fixture(scope="module")
def published(materialised_graph) -> Path:
    return materialised_graph / "published" / "engagement.duckdb"


@pytest.fixture(scope="module")
def warehouse(published, semantic_manifest) -> PublishedWarehouse:
    return PublishedWarehouse(published, SemanticLayer(semantic_manifest))


def mart(published: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_missing_warehouse_or_manifest_says_how_to_make_one(tmp_path, semantic_manifest):
    with pytest.raises(WarehouseMissing, match="make demo"):
        PublishedWarehouse(tmp_path / "nowhere.duckdb", SemanticLayer(semantic_manifest))
    with pytest.raises(SemanticManifestMissing, match="dbt parse"):
        SemanticLayer(tmp_path / "semantic_manifest.json")


def test_unfiltered_answers_equal_the_marts(warehouse, published):
    first, last = warehouse.date_bounds()
    everyone = Filters(first, last)
    daily = {row[0]: row[1:] for row in mart(published, "select activity_date, dau, wau, mau, stickiness, engagement_rate "
                                                         "from marts.engagement_daily")}
    active = warehouse.active_persons(everyone).merge(warehouse.session_rates(everyone), on="metric_time__day", how="left")
    assert len(active) == len(daily) > 0
    for row in active.itertuples():
        assert (row.dau, row.wau, row.mau) == daily[row.metric_time__day.date()][:3]
        assert (row.stickiness, row.engagement_rate) == pytest.approx(daily[row.metric_time__day.date()][3:])

    months = warehouse.mrr_months(everyone).set_index("metric_time__month")
    expected = mart(published, "select month_start, start_mrr, new_mrr, expansion_mrr, churned_mrr, end_mrr, "
                               "net_revenue_retention from marts.mrr_monthly order by month_start")
    assert len(months) == len(expected) > 0
    for month, start_mrr, new_mrr, expansion_mrr, churned_mrr, end_mrr, nrr in expected:
        got = months.loc[month]
        assert (got.mrr_at_period_start, got.mrr_new, got.mrr_expansion, got.mrr_churned, got.mrr) == pytest.approx(
            tuple(float(value) for value in (start_mrr, new_mrr, expansion_mrr, churned_mrr, end_mrr)))
        assert (nrr is None and got.nrr != got.nrr) or got.nrr == pytest.approx(float(nrr))


@pytest.mark.parametrize("dimension, filter_name", [("all", None), ("country", "country"), ("plan_id", "plan")])
def test_nps_and_its_interval_equal_the_statistics_mart(warehouse, published, dimension, filter_name):
    first, last = warehouse.date_bounds()
    rows = mart(published, f"""select response_month, dimension_value, nps, nps_lower, nps_upper, respondents
                               from marts.nps_monthly where dimension = '{dimension}' order by all""")
    values = sorted({row[1] for row in rows})
    assert rows and (filter_name is None or len(values) >= 2)
    for value in values[:3]:
        answer = warehouse.nps_months(Filters(first, last, **({filter_name: value} if filter_name else {})))
        got = {row.metric_time__month.date(): (row.nps, row.nps_lower, row.nps_upper, row.nps_respondents)
               for row in answer.itertuples()}
        expected = {pd.Timestamp(month).date(): (nps, lower, upper, n) for month, group, nps, lower, upper, n in rows
                    if group == value and first.replace(day=1) <= pd.Timestamp(month).date() <= last}
        assert set(got) == set(expected) and expected
        for month in expected:
            assert got[month] == pytest.approx(expected[month]), (value, month)


def test_platform_and_country_narrow_active_persons_like_sql_on_the_events(warehouse, published):
    first, last = warehouse.date_bounds()
    (country, platform), = mart(published, """select country, platform from marts.fct_events where country is not null
                                              group by all order by count(*) desc limit 1""")
    answer = warehouse.active_persons(Filters(last - date.resolution * 6, last, country=country, platform=platform))
    # Independent count: distinct persons with an event of the country and platform in the day / trailing 7 days.
    expected = dict(mart(published, f"""
        select days.day, count(distinct case when events.event_date = days.day then person_key end) * 1000000
                         + count(distinct case when events.event_date > days.day - 7 then person_key end)
        from (select distinct event_date as day from marts.fct_events where event_date > date '{last}' - 7) as days
        inner join marts.fct_events as events
          on events.event_date between days.day - 29 and days.day
        where events.country = '{country}' and events.platform = '{platform}'
        group by days.day"""))
    got = {row.metric_time__day.date(): row.dau * 1000000 + row.wau for row in answer.itertuples()}
    assert got == expected and len(got) == 7
    assert all(row.dau < row.mau for row in answer.itertuples())


def test_the_plan_filter_narrows_the_whole_mrr_bridge_and_the_plans_add_up(warehouse, published):
    first, last = warehouse.date_bounds()
    whole = warehouse.mrr_months(Filters(first, last)).set_index("metric_time__month")
    plans = [plan for plan, in mart(published, "select plan_id from reference.plans")]
    by_plan = [warehouse.mrr_months(Filters(first, last, plan=plan)).set_index("metric_time__month") for plan in plans]
    for column in ("mrr_at_period_start", "mrr_new", "mrr_expansion", "mrr_contraction", "mrr_churned", "mrr"):
        assert sum(months[column].reindex(whole.index, fill_value=0.0) for months in by_plan).values == pytest.approx(
            whole[column].values), column
    # Churn belongs to the plan the customer left: independent SQL on the customer months.
    plan = plans[0]
    expected = dict(mart(published, f"""select month_start, sum(churned_mrr) from marts.mrr_movements
                                        where start_plan_id = '{plan}' and end_plan_id = 'none' group by all"""))
    got = by_plan[0]["mrr_churned"]
    assert {month.date(): value for month, value in got.items() if value} == pytest.approx(
        {pd.Timestamp(month).date(): float(value) for month, value in expected.items() if value})


def test_the_funnel_of_each_channel_adds_up_to_the_whole(warehouse):
    first, last = warehouse.date_bounds()
    whole = warehouse.funnel(Filters(first, last)).set_index("step")["persons"]
    groups = [warehouse.funnel(Filters(first, last, channel=channel)).set_index("step")["persons"]
              for channel in warehouse.channels()]
    assert len(groups) >= 2 and whole["visitors"] > 0
    assert (sum(groups) == whole).all()


def test_an_empty_range_gives_empty_frames_not_errors(warehouse):
    empty = Filters(date(1999, 1, 1), date(1999, 1, 31))
    assert warehouse.active_persons(empty).empty and warehouse.mrr_months(empty).empty
    assert warehouse.nps_months(empty).empty and warehouse.messaging_by_channel(empty).empty
    assert warehouse.funnel(empty)["persons"].sum() == 0


def test_the_exposure_lists_exactly_the_marts_the_dashboard_reads():
    exposure, = yaml.safe_load((PROJECT_ROOT / "models" / "_exposures.yml").read_text())["exposures"]
    declared = {re.fullmatch(r"ref\('(\w+)'\)", ref).group(1) for ref in exposure["depends_on"]}
    source = (PROJECT_ROOT / "engagement_warehouse" / "dashboard" / "queries.py").read_text()
    semantic_models = {model["name"]: re.fullmatch(r"ref\('(\w+)'\)", model["model"]).group(1) for model in yaml.safe_load(
        (PROJECT_ROOT / "models" / "semantic" / "_semantic__models.yml").read_text())["semantic_models"]}
    assert {name: semantic_models[name] for name in SEGMENTS if name in semantic_models} == SEMANTIC_MODEL_MARTS
    assert declared == set(re.findall(r"marts\.(\w+)", source)) | set(AUDIENCES) | set(SEMANTIC_MODEL_MARTS.values())


def test_choosing_a_country_filters_the_overview(warehouse, published, semantic_manifest, monkeypatch):
    monkeypatch.setenv("EW_PUBLISHED_PATH", str(published))
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception and not app.error
    everyone = {metric.label: metric.value for metric in app.metric}
    country = warehouse.countries()[0]
    app.selectbox(key="_country").select(country).run()
    assert not app.exception and not app.error
    segment = {metric.label: metric.value for metric in app.metric}
    first, last = warehouse.date_bounds()
    expected = warehouse.active_persons(Filters(first, last, country)).iloc[-1]
    assert segment["DAU (last day)"] == f"{int(expected.dau):,}" and segment["MAU (last day)"] == f"{int(expected.mau):,}"
    assert int(segment["MAU (last day)"].replace(",", "")) < int(everyone["MAU (last day)"].replace(",", ""))


def test_the_app_tells_how_to_fix_a_missing_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("EW_PUBLISHED_PATH", str(tmp_path / "nowhere.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    assert "make demo" in app.error[0].value


def shown_filters(slug: str) -> list[str]:
    """The filters a page must offer: those its charts' data has (independent of the app's sidebar code)."""
    return [title for name, title in FILTER_TITLES.items() if any(name in SEGMENTS[source] for source in PAGES[slug][2])]


@needs_chromium
def test_every_page_renders_at_its_url_with_charts_filters_and_csv_downloads(published, semantic_manifest, tmp_path):
    from engagement_warehouse.dashboard.browser_check import check_pages
    pages, download = check_pages(published, tmp_path, tmp_path / "downloads")
    assert set(pages) == set(EXPECTED_CHARTS)
    for slug, page in pages.items():
        assert page.title == PAGES[slug][0], slug  # each page at its own URL, /engagement included
        assert page.errors == [] and page.notices == [], (slug, page.errors, page.notices)
        assert page.filters == ["Date range", *shown_filters(slug)], slug
        hidden = [title.lower() for title in FILTER_TITLES.values() if title not in page.filters]
        assert all(name in page.sidebar for name in hidden) and ("not split by" in page.sidebar) == bool(hidden), slug
        for expected in EXPECTED_CHARTS[slug]:
            drawn = [chart for chart in page.charts if expected in chart["title"]]
            assert drawn and drawn[0]["marks"] > 0, (slug, expected, page.charts)
        assert page.downloads == len(page.charts), slug
        assert page.screenshot.stat().st_size > 20_000, slug
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", " ".join(chart["title"] for chart in page.charts)), slug

    (last_dau, last_mau), = mart(published, "select dau, mau from marts.engagement_daily order by activity_date desc limit 1")
    assert pages["engagement"].metrics["DAU (last day)"] == f"{last_dau:,}"
    assert pages["engagement"].metrics["MAU"] == f"{last_mau:,}"
    (end_mrr,), = mart(published, "select end_mrr from marts.mrr_monthly order by month_start desc limit 1")
    assert pages["revenue"].metrics["MRR at the end of the range"] == f"${float(end_mrr):,.0f}"

    # The engagement page's first download is the active-persons chart's data with its shown column names.
    with download.open() as rows:
        downloaded = list(csv.DictReader(rows))
    days = dict(mart(published, "select strftime(activity_date, '%Y-%m-%d'), dau from marts.engagement_daily"))
    assert download.name == "engagement_active_persons.csv"
    assert {row["Day"][:10]: int(row["DAU"]) for row in downloaded} == dict(sorted(days.items())[-90:])  # the last 90 days


@needs_chromium
def test_each_filter_changes_the_charts_whose_data_has_it(warehouse, published, semantic_manifest):
    from engagement_warehouse.dashboard.browser_check import check_filters
    choices = {"country": warehouse.countries()[0], "platform": "ios", "channel": "paid_search",
               "plan": sorted(warehouse.plan_names())[-1]}
    pages = check_filters(published, choices)
    checked = 0
    for (slug, name), page in pages.items():
        if name is None:
            continue
        unfiltered = pages[slug, None]
        assert page.errors == [], (slug, name, page.errors)
        changed = [chart["title"] for chart, before in zip(page.charts, unfiltered.charts, strict=False)
                   if chart["drawn"] != before["drawn"]]
        metrics_changed = page.metrics != unfiltered.metrics
        assert changed or metrics_changed, (slug, name)
        # A chart whose data lacks the filter says so instead of silently showing everyone.
        unchanged = [chart["title"] for chart in page.charts if chart["title"] not in changed]
        if unchanged:
            assert any(f"{name} filter does not apply" in caption for caption in page.captions), (slug, name, unchanged)
        checked += 1
    assert checked == sum(len(shown_filters(slug)) for slug in PAGES) >= 20
