"""`make dashboard`: the engagement dashboard on the published warehouse (read-only).

One Streamlit page per subject; the sidebar's date range and country segment apply to
every chart whose mart carries them, and each page says which of its charts they do not.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from engagement_warehouse.dashboard.queries import Filters, PublishedWarehouse, WarehouseMissing
from engagement_warehouse.settings import WarehouseSettings

ALL_COUNTRIES = "All countries"


def show(chart: alt.Chart, data: pd.DataFrame, what: str) -> None:
    """Draw a chart, or say there is nothing to draw (an empty chart would look like a bug)."""
    if data.empty:
        st.info(f"No {what} in the selected range and segment.")
    else:
        st.altair_chart(chart, width="stretch")


def not_segmented(what: str) -> None:
    st.caption(f"{what} has no country, so the segment filter does not apply to it.")


def engagement_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    daily = warehouse.engagement_daily(filters)
    if not daily.empty:
        latest = daily.iloc[-1]
        columns = st.columns(5)
        columns[0].metric("DAU (last day)", f"{int(latest.dau):,}")
        columns[1].metric("WAU", f"{int(latest.wau):,}")
        columns[2].metric("MAU", f"{int(latest.mau):,}")
        columns[3].metric("Stickiness (DAU/MAU)", f"{latest.stickiness:.1%}")
        columns[4].metric("Engagement rate", f"{latest.engagement_rate:.1%}")
    if filters.country is not None:
        st.caption("Segmented: customers of the country only (anonymous visitors have no country).")
    actives = daily.melt("activity_date", ["dau", "wau", "mau"], "metric", "persons")
    show(alt.Chart(actives, title="Active persons: DAU, WAU (trailing 7 days), MAU (trailing 30 days)")
         .mark_line().encode(x=alt.X("activity_date:T", title=None), y="persons:Q", color="metric:N"),
         actives, "activity")
    left, right = st.columns(2)
    with left:
        show(alt.Chart(daily, title="Stickiness (DAU / MAU)").mark_line()
             .encode(x=alt.X("activity_date:T", title=None), y=alt.Y("stickiness:Q", axis=alt.Axis(format="%"))),
             daily, "activity")
    with right:
        rates = daily.melt("activity_date", ["engagement_rate", "bounce_rate"], "rate", "share")
        show(alt.Chart(rates, title="Engagement and bounce rate of sessions").mark_line()
             .encode(x=alt.X("activity_date:T", title=None), y=alt.Y("share:Q", axis=alt.Axis(format="%")), color="rate:N"),
             rates, "sessions")
    show(alt.Chart(daily, title="Time spent: engaged minutes per active person").mark_area(opacity=0.6)
         .encode(x=alt.X("activity_date:T", title=None), y=alt.Y("engaged_minutes_per_active_person:Q", title="minutes")),
         daily, "activity")


def retention_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    not_segmented("retention_cohorts")
    granularity = st.radio("Cohort", ["week", "month"], horizontal=True)
    labels = {"retention_on_period": "on period N", "retention_on_or_after_period": "in period N or later"}
    measure = st.radio("Active", options=list(labels), format_func=labels.get, horizontal=True)
    cohorts = warehouse.retention(granularity, filters)
    heatmap = alt.Chart(cohorts, title=f"Retention by signup {granularity} (share of the cohort active)").mark_rect().encode(
        x=alt.X("period_number:O", title=f"{granularity}s since signup"),
        y=alt.Y("yearmonthdate(cohort_start):O", title="cohort"),
        color=alt.Color(f"{measure}:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(format="%")),
        tooltip=["cohort_start:T", "period_number:O", "cohort_size:Q", alt.Tooltip(f"{measure}:Q", format=".1%")])
    show(heatmap, cohorts, "signup cohorts")


def funnel_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    not_segmented("funnel_monthly")
    channel_group = st.selectbox("First-touch channel group", ["all", *warehouse.funnel_channel_groups()])
    steps = warehouse.funnel(filters, None if channel_group == "all" else channel_group)
    steps["share_of_visitors"] = steps["persons"] / steps["persons"].iloc[0] if steps["persons"].iloc[0] else 0.0
    bars = alt.Chart(steps, title="Funnel of first visits in the range: visitor → signup → trial → paid").encode(
        y=alt.Y("step:N", sort=list(steps["step"]), title=None), x=alt.X("persons:Q"))
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text("share_of_visitors:Q", format=".1%"))
    show(bars.mark_bar() + labels, steps[steps["persons"] > 0], "first visits")


def revenue_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    months = warehouse.mrr_months(filters)
    if not months.empty:
        first, last = months.iloc[0], months.iloc[-1]
        steps = [("start MRR", first.start_mrr)] + [
            (name, months[f"{name}_mrr"].sum()) for name in ("new", "expansion", "reactivation", "contraction", "churned")]
        waterfall = pd.DataFrame(steps, columns=["movement", "amount"])
        waterfall["top"] = waterfall["amount"].cumsum()
        waterfall["bottom"] = waterfall["top"] - waterfall["amount"]
        waterfall.loc[0, "bottom"] = 0.0
        waterfall = pd.concat([waterfall, pd.DataFrame(
            [{"movement": "end MRR", "amount": last.end_mrr, "top": last.end_mrr, "bottom": 0.0}])], ignore_index=True)
        waterfall["kind"] = ["total"] + ["increase" if a >= 0 else "decrease" for a in waterfall["amount"][1:-1]] + ["total"]
        st.metric("MRR at the end of the range", f"{last.end_mrr:,.0f}", f"{last.end_mrr - first.start_mrr:+,.0f} over the range")
    else:
        waterfall = pd.DataFrame()
    show(alt.Chart(waterfall, title="MRR movements over the range (start + movements = end)").mark_bar().encode(
        x=alt.X("movement:N", sort=None, title=None), y=alt.Y("bottom:Q", title="MRR"), y2="top:Q",
        color=alt.Color("kind:N", scale=alt.Scale(domain=["total", "increase", "decrease"], range=["#4c78a8", "#54a24b", "#e45756"])),
        tooltip=["movement:N", alt.Tooltip("amount:Q", format=",.0f")]), waterfall, "subscription revenue")
    retention = months.dropna(subset=["net_revenue_retention"])
    show(alt.Chart(retention, title="Net revenue retention by month").mark_line(point=True).encode(
        x=alt.X("yearmonth(month_start):T", title=None), y=alt.Y("net_revenue_retention:Q", axis=alt.Axis(format="%"))),
        retention, "months with MRR at their start")


def nps_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    months = warehouse.nps_months(filters)
    if not months.empty:
        latest = months.iloc[-1]
        st.metric(f"NPS, {pd.Timestamp(latest.response_month):%B %Y}", f"{latest.nps:+.0f}")
        st.caption(f"95% interval {latest.nps_lower:+.0f} to {latest.nps_upper:+.0f}, n = {int(latest.respondents)} respondents"
                   + (" — fewer than 30: read the interval, not the point" if latest.is_small_sample else ""))
    base = alt.Chart(months, title="NPS by month with its 95% interval (adjusted Wald); hollow points: n < 30").encode(
        x=alt.X("yearmonth(response_month):T", title=None))
    band = base.mark_area(opacity=0.25).encode(y=alt.Y("nps_lower:Q", title="NPS", scale=alt.Scale(domain=[-100, 100])), y2="nps_upper:Q")
    line = base.mark_line(point=alt.OverlayMarkDef(filled=True)).encode(
        y="nps:Q", tooltip=["response_month:T", alt.Tooltip("nps:Q", format="+.1f"), "respondents:Q", "is_small_sample:N"])
    small = base.transform_filter("datum.is_small_sample").mark_point(size=120, filled=False, color="black").encode(y="nps:Q")
    show(band + line + small, months, "NPS answers")


def clv_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    st.caption("Predictive CLV is as of the reporting clock, so the date range does not apply to it.")
    customers = warehouse.predictive_clv(filters)
    if not customers.empty:
        columns = st.columns(3)
        columns[0].metric("Customers valued", f"{len(customers):,}")
        columns[1].metric("Median predictive CLV", f"{customers.predictive_clv_usd.median():,.2f}")
        columns[2].metric("Mean P(alive)", f"{customers.p_alive.mean():.1%}")
    show(alt.Chart(customers, title="Predictive CLV per customer (reporting currency)").mark_bar().encode(
        x=alt.X("predictive_clv_usd:Q", bin=alt.Bin(maxbins=40), title="predictive CLV"),
        y=alt.Y("count():Q", title="customers")), customers, "valued customers")
    not_segmented("top_customer_spend")
    multiples = (warehouse.top_customer_multiples()
                 .rename(columns={"top_10_percent_multiple": "top 10%", "top_1_percent_multiple": "top 1%"})
                 .melt("year", ["top 10%", "top 1%"], "customers", "multiple"))
    show(alt.Chart(multiples, title="Revenue per order of the top customers by revenue, as a multiple of everyone else")
         .mark_bar().encode(x=alt.X("year:O", title=None), xOffset="customers:N", y=alt.Y("multiple:Q", title="× others"),
                            color="customers:N", tooltip=["year:O", "customers:N", alt.Tooltip("multiple:Q", format=".2f")]),
         multiples, "orders")


def messaging_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    not_segmented("messaging_performance_monthly")
    channels = warehouse.messaging_by_channel(filters)
    rates = channels.melt("channel", ["delivery_rate", "open_rate", "click_rate", "conversion_rate", "unsubscribe_rate"], "rate", "share")
    show(alt.Chart(rates, title="Messaging rates by channel (open, click, conversion, unsubscribe per delivered)").mark_bar().encode(
        x=alt.X("rate:N", title=None, sort=None), y=alt.Y("share:Q", axis=alt.Axis(format="%")), color="rate:N",
        column=alt.Column("channel:N", title=None)), rates, "messages")
    reach = warehouse.messaging_reach(filters)
    show(alt.Chart(reach, title="Customer conversion: reached on one channel vs two or more").mark_bar().encode(
        x=alt.X("reach_group:N", title=None), y=alt.Y("customer_conversion_rate:Q", axis=alt.Axis(format="%")),
        tooltip=["customers_reached:Q"]), reach, "messages")


def audiences_page(warehouse: PublishedWarehouse, filters: Filters) -> None:
    st.caption("Audiences are as of the reporting clock, so the date range does not apply to them.")
    sizes = warehouse.audience_sizes(filters)
    show(alt.Chart(sizes, title="Activation audiences by the channel they are sent through").mark_bar().encode(
        y=alt.Y("audience:N", title=None, axis=alt.Axis(labelLimit=300)), x=alt.X("customers:Q"), color="channel:N",
        tooltip=["audience:N", "channel:N", "customers:Q"]), sizes, "audience members")


PAGES: dict[str, tuple[str, Callable[[PublishedWarehouse, Filters], None]]] = {
    "engagement": ("Engagement", engagement_page),
    "retention": ("Retention", retention_page),
    "funnel": ("Funnel", funnel_page),
    "revenue": ("MRR and NRR", revenue_page),
    "nps": ("NPS", nps_page),
    "clv": ("Customer value", clv_page),
    "messaging": ("Messaging", messaging_page),
    "audiences": ("Audiences", audiences_page),
}


def sidebar_filters(warehouse: PublishedWarehouse) -> Filters:
    first, last = warehouse.date_bounds()
    chosen = st.sidebar.date_input("Date range", value=(first, last), min_value=first, max_value=last)
    # While a range is being picked the widget holds one date; keep the whole range until both are set.
    start, end = chosen if isinstance(chosen, tuple) and len(chosen) == 2 else (first, last)
    country = st.sidebar.selectbox("Segment: customer country", [ALL_COUNTRIES, *warehouse.countries()])
    st.sidebar.caption(f"Published warehouse: `{warehouse.path}` (read-only)")
    return Filters(start, end, None if country == ALL_COUNTRIES else country)


def main() -> None:
    st.set_page_config(page_title="Engagement warehouse", layout="wide")
    try:
        warehouse = PublishedWarehouse(WarehouseSettings.from_env().published_path)
    except WarehouseMissing as missing:
        st.error(str(missing))
        st.stop()
    filters = sidebar_filters(warehouse)

    def page(slug: str, title: str, render: Callable[[PublishedWarehouse, Filters], None]) -> st.Page:
        def run() -> None:
            st.title(title)
            render(warehouse, filters)
        return st.Page(run, title=title, url_path=slug, default=slug == "engagement")

    st.navigation([page(slug, title, render) for slug, (title, render) in PAGES.items()]).run()


if __name__ == "__main__":  # Streamlit runs this file as __main__; importing it (tests, PAGES) must not.
    main()
