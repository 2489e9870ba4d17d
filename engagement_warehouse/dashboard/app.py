"""`make dashboard`: the engagement dashboard on the published warehouse (read-only).

One Streamlit page per subject, each at its own URL (/engagement, /revenue, …; the overview at /). The
sidebar's date range and the country, platform, channel and plan filters show on the pages whose data
has them and are kept when moving between pages and in the URL's query (?country=DE&plan=pro_monthly), so
a filtered view can be shared. Each chart says which chosen filter does not apply to it, and offers its
data as CSV with the column names it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from engagement_warehouse.dashboard.queries import (
    CURRENCY_SYMBOLS,
    FILTER_MEANINGS,
    SEGMENTS,
    Filters,
    PublishedWarehouse,
    WarehouseMissing,
)
from engagement_warehouse.semantic_layer import SemanticLayer, SemanticManifestMissing
from engagement_warehouse.settings import PROJECT_ROOT, WarehouseSettings

FILTER_TITLES = {"country": "Country", "platform": "Platform", "channel": "Channel", "plan": "Plan"}
EVERYONE = ""  # the filter option that narrows nothing (a selectbox shows None as "choose an option")
SPELLED_NAMES = {"ios": "iOS", "sms": "SMS", "in_app": "In-app"}  # values that do not read well capitalised
DEFAULT_DAYS = 90  # the date range a session opens on: the last 90 days of data
SEMANTIC_MANIFEST = PROJECT_ROOT / "target" / "semantic_manifest.json"


def in_words(names: list[str]) -> str:
    names = [FILTER_TITLES[name].lower() for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def value_label(dimension: str, value: str | None, plan_names: dict[str, str]) -> str:
    """How a dimension's value reads: plan names, 'iOS', 'Paid search', 'SMS'; country codes stay codes."""
    if value is None or value == "none":
        return "no plan" if dimension == "plan" else "unknown"
    if dimension == "plan":
        return plan_names.get(value, value)
    if dimension == "country":
        return value
    return SPELLED_NAMES.get(value, value.replace("_", " ").capitalize())


@dataclass
class View:
    """One run of a page: the chosen filters, and how to label, draw and offer the data of a chart."""
    warehouse: PublishedWarehouse
    filters: Filters
    slug: str
    plan_names: dict[str, str]
    currency: str

    @property
    def symbol(self) -> str:
        return CURRENCY_SYMBOLS.get(self.currency, f"{self.currency} ")

    def money(self, amount: float, decimals: int = 0) -> str:
        return f"{'−' if amount < 0 else ''}{self.symbol}{abs(amount):,.{decimals}f}"

    def money_axis(self, title: str) -> alt.Axis:
        return alt.Axis(title=f"{title} ({self.currency})", labelExpr=f"'{self.symbol}' + format(datum.value, ',.0f')")

    def label(self, dimension: str, value: str | None) -> str:
        return value_label(dimension, value, self.plan_names)

    def not_applied(self, source: str, what: str) -> None:
        ignored = [name for name in self.filters.chosen() if name not in SEGMENTS[source]]
        if ignored:
            st.caption(f"The {in_words(ignored)} filter does not apply here: {what} are not split by "
                       f"{'it' if len(ignored) == 1 else 'them'}.")

    def chart(self, name: str, chart: alt.Chart, data: pd.DataFrame, source: str, what: str) -> None:
        """Draw a chart of `data` (columns as shown) with a CSV download of the same rows, or say there is nothing."""
        self.not_applied(source, what)
        if data.empty:
            st.info(f"No {what} in the selected range and filters.")
            return
        st.altair_chart(chart, width="stretch")
        st.download_button("Download CSV", data.to_csv(index=False).encode(), file_name=f"{self.slug}_{name}.csv",
                           mime="text/csv", key=f"csv_{name}")


def day_axis() -> alt.X:
    return alt.X("Day:T", title=None)


def month_axis() -> alt.X:
    return alt.X("Month:T", title=None, timeUnit="yearmonth")


def overview_page(view: View) -> None:
    warehouse, filters = view.warehouse, view.filters
    active = warehouse.active_persons(filters)
    sessions = warehouse.session_rates(filters)
    months = warehouse.mrr_months(filters)
    nps = warehouse.nps_months(filters)
    acquisition = warehouse.acquisition(filters)
    view.not_applied("person_day_segments", "active persons")
    columns = st.columns(4)
    if not active.empty:
        latest = active.iloc[-1]
        columns[0].metric("DAU (last day)", f"{int(latest.dau):,}")
        columns[1].metric("MAU (last day)", f"{int(latest.mau):,}")
        columns[2].metric("Stickiness (DAU/MAU)", f"{latest.stickiness:.1%}")
    if not sessions.empty:
        columns[3].metric("Sessions in the range", f"{int(sessions.sessions.sum()):,}")
    view.not_applied("customer_months", "MRR and NPS")
    columns = st.columns(4)
    if not months.empty:
        columns[0].metric("MRR at the end of the range", view.money(months.iloc[-1].mrr))
        nrr = months.dropna(subset=["nrr"])
        if not nrr.empty:
            columns[1].metric(f"NRR, {pd.Timestamp(nrr.iloc[-1].metric_time__month):%B %Y}", f"{nrr.iloc[-1].nrr:.1%}")
    if not nps.empty:
        columns[2].metric(f"NPS, {pd.Timestamp(nps.iloc[-1].metric_time__month):%B %Y}", f"{nps.iloc[-1].nps:+.0f}")
    if not acquisition.empty and acquisition.new_paying_customers.sum():
        columns[3].metric("Marketing spend per new paying customer",
                          view.money(acquisition.marketing_spend.sum() / acquisition.new_paying_customers.sum()))
    st.markdown("Pages: " + " · ".join(f"[{title}](/{slug})" for slug, (title, _, _) in PAGES.items() if slug))


def engagement_page(view: View) -> None:
    warehouse, filters = view.warehouse, view.filters
    active = warehouse.active_persons(filters).rename(columns={"metric_time__day": "Day"})
    if not active.empty:
        latest = active.iloc[-1]
        columns = st.columns(4)
        columns[0].metric("DAU (last day)", f"{int(latest.dau):,}")
        columns[1].metric("WAU", f"{int(latest.wau):,}")
        columns[2].metric("MAU", f"{int(latest.mau):,}")
        columns[3].metric("Stickiness (DAU/MAU)", f"{latest.stickiness:.1%}")
    persons = active.rename(columns={"dau": "DAU", "wau": "WAU (trailing 7 days)", "mau": "MAU (trailing 30 days)",
                                     "stickiness": "Stickiness"})
    lines = persons.melt("Day", ["DAU", "WAU (trailing 7 days)", "MAU (trailing 30 days)"], "Measure", "Active persons")
    view.chart("active_persons", alt.Chart(lines, title="Active persons: DAU, WAU, MAU").mark_line().encode(
        x=day_axis(), y="Active persons:Q", color=alt.Color("Measure:N", sort=None),
        tooltip=["Day:T", "Measure:N", alt.Tooltip("Active persons:Q", format=",")]), persons, "person_day_segments", "active persons")
    view.chart("stickiness", alt.Chart(persons, title="Stickiness (DAU / MAU)").mark_line().encode(
        x=day_axis(), y=alt.Y("Stickiness:Q", axis=alt.Axis(format="%"))), persons[["Day", "Stickiness"]],
        "person_day_segments", "active persons")
    rates = warehouse.session_rates(filters).rename(columns={
        "metric_time__day": "Day", "sessions": "Sessions", "engagement_rate": "Engagement rate", "bounce_rate": "Bounce rate"})
    shares = rates.melt("Day", ["Engagement rate", "Bounce rate"], "Rate", "Share of sessions")
    view.chart("session_rates", alt.Chart(shares, title="Engagement and bounce rate of sessions").mark_line().encode(
        x=day_axis(), y=alt.Y("Share of sessions:Q", axis=alt.Axis(format="%")), color="Rate:N"), rates, "sessions", "sessions")
    groups = warehouse.sessions_by_channel_group(filters)
    groups = pd.DataFrame({"Channel group": [view.label("channel", value) for value in groups.session__channel_group],
                           "Sessions": groups.sessions, "Engagement rate": groups.engagement_rate})
    view.chart("sessions_by_channel_group", alt.Chart(groups, title="Sessions by channel group").mark_bar().encode(
        y=alt.Y("Channel group:N", sort="-x", title=None), x="Sessions:Q",
        tooltip=["Channel group:N", alt.Tooltip("Sessions:Q", format=","), alt.Tooltip("Engagement rate:Q", format=".1%")]),
        groups, "sessions", "sessions")
    spent = warehouse.time_spent(filters).rename(columns={"activity_date": "Day",
                                                          "engaged_minutes_per_active_person": "Engaged minutes per active person"})
    view.chart("time_spent", alt.Chart(spent, title="Time spent: engaged minutes per active person").mark_area(opacity=0.6)
               .encode(x=day_axis(), y="Engaged minutes per active person:Q"), spent, "engagement_daily", "daily engaged times")


def retention_page(view: View) -> None:
    granularity = st.radio("Cohort", ["week", "month"], horizontal=True)
    labels = {"retention_on_period": "Active in period N", "retention_on_or_after_period": "Active in period N or later"}
    measure = st.radio("Retention", options=list(labels), format_func=labels.get, horizontal=True)
    cohorts = view.warehouse.retention(granularity, view.filters)
    cells = pd.DataFrame({
        "Cohort": [f"{pd.Timestamp(start):%Y-%m-%d}: {size:,.0f} customers"
                   for start, size in zip(cohorts.cohort_start, cohorts.cohort_size, strict=True)],
        "Signup " + granularity: cohorts.cohort_start, "Cohort size": cohorts.cohort_size.astype(int),
        f"{granularity.capitalize()}s since signup": cohorts.period_number.astype(int), "Retention": cohorts[measure]})
    period = f"{granularity.capitalize()}s since signup"
    measure_label = labels[measure][0].lower() + labels[measure][1:]
    base = alt.Chart(cells, title=f"Retention by signup {granularity}: share of the cohort {measure_label}").encode(
        x=alt.X(f"{period}:O", axis=alt.Axis(labelAngle=0)), y=alt.Y("Cohort:O", sort=None, title=None, axis=alt.Axis(labelLimit=300)))
    heatmap = base.mark_rect().encode(
        color=alt.Color("Retention:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=alt.Legend(format="%")),
        tooltip=["Cohort:N", f"{period}:O", alt.Tooltip("Retention:Q", format=".1%")])
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("Retention:Q", format=".0%"),
        color=alt.condition("datum.Retention > 0.5", alt.value("white"), alt.value("black")))
    view.chart(f"retention_{granularity}", heatmap + text, cells, "retention_cohort_periods", "signup cohorts")


def funnel_page(view: View) -> None:
    steps = view.warehouse.funnel(view.filters)
    steps = pd.DataFrame({"Step": ["Visitors", "Signups", "Trials", "Paying customers"], "Persons": steps.persons,
                          "Share of visitors": steps.share_of_visitors})
    bars = alt.Chart(steps, title="Funnel of first visits in the range: visitor → signup → trial → paid").encode(
        y=alt.Y("Step:N", sort=None, title=None), x=alt.X("Persons:Q"))
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text("Share of visitors:Q", format=".1%"))
    view.chart("funnel", bars.mark_bar() + labels, steps if steps.Persons.sum() else steps.iloc[0:0],
               "funnel_monthly", "first visits")


def revenue_page(view: View) -> None:
    warehouse, filters = view.warehouse, view.filters
    months = warehouse.mrr_months(filters)
    movements = {"mrr_new": "New", "mrr_expansion": "Expansion", "mrr_reactivation": "Reactivation",
                 "mrr_contraction": "Contraction", "mrr_churned": "Churn"}
    waterfall = pd.DataFrame()
    if not months.empty:
        first, last = months.iloc[0], months.iloc[-1]
        steps = [("Start MRR", first.mrr_at_period_start)] + [(label, months[metric].sum()) for metric, label in movements.items()]
        waterfall = pd.DataFrame(steps, columns=["Movement", "Amount"])
        waterfall["Top"] = waterfall["Amount"].cumsum()
        waterfall["Bottom"] = waterfall["Top"] - waterfall["Amount"]
        waterfall.loc[0, "Bottom"] = 0.0
        waterfall = pd.concat([waterfall, pd.DataFrame(
            [{"Movement": "End MRR", "Amount": last.mrr, "Top": last.mrr, "Bottom": 0.0}])], ignore_index=True)
        waterfall["Kind"] = ["total"] + ["increase" if a >= 0 else "decrease" for a in waterfall["Amount"][1:-1]] + ["total"]
        st.metric("MRR at the end of the range", view.money(last.mrr),
                  f"{view.money(last.mrr - first.mrr_at_period_start)} over the range")
    view.chart("mrr_movements", alt.Chart(waterfall, title="MRR movements over the range (start + movements = end)").mark_bar()
               .encode(x=alt.X("Movement:N", sort=None, title=None), y=alt.Y("Bottom:Q", axis=view.money_axis("MRR")), y2="Top:Q",
                       color=alt.Color("Kind:N", title=None, scale=alt.Scale(domain=["total", "increase", "decrease"],
                                                                             range=["#4c78a8", "#54a24b", "#e45756"])),
                       tooltip=["Movement:N", alt.Tooltip("Amount:Q", format=",.0f")]),
               waterfall.drop(columns=["Kind"], errors="ignore").rename(columns={"Amount": f"Amount ({view.currency})"})
               if not waterfall.empty else waterfall, "customer_months", "subscription months")
    plans = warehouse.mrr_by_plan(filters)
    plans = pd.DataFrame({"Month": plans.metric_time__month, "Plan": [view.label("plan", value) for value in plans.customer_month__plan_id],
                          f"MRR ({view.currency})": plans.mrr})
    view.chart("mrr_by_plan", alt.Chart(plans, title="MRR at the end of each month by plan").mark_bar().encode(
        x=month_axis(), xOffset="Plan:N", y=alt.Y(f"MRR ({view.currency}):Q", axis=view.money_axis("MRR")), color="Plan:N",
        tooltip=["Month:T", "Plan:N", alt.Tooltip(f"MRR ({view.currency}):Q", format=",.0f")]), plans, "customer_months",
        "subscription months")
    retention = months.dropna(subset=["nrr"]).rename(columns={"metric_time__month": "Month", "nrr": "Net revenue retention"})
    view.chart("net_revenue_retention", alt.Chart(retention, title="Net revenue retention by month").mark_line(point=True).encode(
        x=month_axis(), y=alt.Y("Net revenue retention:Q", axis=alt.Axis(format="%"))),
        retention[["Month", "Net revenue retention"]], "customer_months", "months with MRR at their start")


def acquisition_page(view: View) -> None:
    channels = view.warehouse.acquisition(view.filters)
    spend, cac = f"Marketing spend ({view.currency})", f"CAC ({view.currency})"
    channels = pd.DataFrame({"Month": channels.metric_time__month,
                             "Channel": [view.label("channel", value) for value in channels.channel_month__acquisition_channel],
                             spend: channels.marketing_spend, "New paying customers": channels.new_paying_customers,
                             cac: channels.cac})
    if not channels.empty and channels["New paying customers"].sum():
        st.metric("Marketing spend per new paying customer over the range",
                  view.money(channels[spend].sum() / channels["New paying customers"].sum()))
    # Channels without spend (organic, direct, referral) acquire at no marketing cost: a CAC of 0 is not a bar to compare.
    paid = channels[channels[spend] > 0].dropna(subset=[cac])
    view.chart("cac_by_channel", alt.Chart(paid, title="Customer acquisition cost by paid channel and month").mark_bar().encode(
        x=month_axis(), xOffset="Channel:N", y=alt.Y(f"{cac}:Q", axis=view.money_axis("CAC")), color="Channel:N",
        tooltip=["Month:T", "Channel:N", alt.Tooltip(f"{cac}:Q", format=",.2f"), "New paying customers:Q"]),
        paid, "acquisition_channel_months", "acquisition months")
    view.chart("spend_by_channel", alt.Chart(channels, title="Marketing spend and new paying customers by channel").mark_bar()
               .encode(x=month_axis(), y=alt.Y(f"{spend}:Q", axis=view.money_axis("Marketing spend")), color="Channel:N",
                       tooltip=["Month:T", "Channel:N", alt.Tooltip(f"{spend}:Q", format=",.0f"), "New paying customers:Q"]),
               channels, "acquisition_channel_months", "acquisition months")


def nps_page(view: View) -> None:
    months = view.warehouse.nps_months(view.filters)
    if not months.empty:
        latest = months.iloc[-1]
        st.metric(f"NPS, {pd.Timestamp(latest.metric_time__month):%B %Y}", f"{latest.nps:+.0f}")
        st.caption(f"95% interval {latest.nps_lower:+.0f} to {latest.nps_upper:+.0f}, n = {int(latest.nps_respondents)} respondents"
                   + (" — fewer than 30: read the interval, not the point" if latest.is_small_sample else ""))
    shown = pd.DataFrame({"Month": months.metric_time__month, "NPS": months.nps, "Lower bound (95%)": months.nps_lower,
                          "Upper bound (95%)": months.nps_upper, "Respondents": months.nps_respondents.astype(int),
                          "Fewer than 30 respondents": months.is_small_sample})
    base = alt.Chart(shown, title="NPS by month with its 95% interval (adjusted Wald); hollow points: n < 30").encode(x=month_axis())
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("Lower bound (95%):Q", title="NPS", scale=alt.Scale(domain=[-100, 100])), y2="Upper bound (95%):Q")
    line = base.mark_line(point=alt.OverlayMarkDef(filled=True)).encode(
        y="NPS:Q", tooltip=["Month:T", alt.Tooltip("NPS:Q", format="+.1f"), "Respondents:Q"])
    small = base.transform_filter("datum['Fewer than 30 respondents']").mark_point(size=120, filled=False, color="black").encode(y="NPS:Q")
    view.chart("nps_by_month", band + line + small, shown, "survey_answers", "NPS answers")


def feedback_page(view: View) -> None:
    months = view.warehouse.feedback_theme_months(view.filters)
    alerts = months[months.is_alert]
    for row in alerts.itertuples():
        st.warning(f"{row.theme.replace('_', ' ').capitalize()}: complaints rose in {pd.Timestamp(row.feedback_month):%B %Y} "
                   f"to {row.complaint_share:.1%} of texts, from {row.trailing_complaint_share:.1%} in the months before (up to three).")
    shown = pd.DataFrame({"Month": months.feedback_month, "Theme": months.theme.str.replace("_", " "),
                          "Complaint share": months.complaint_share, "Mention share": months.mention_share,
                          "Complaints": months.complaints, "Texts": months.texts, "Alert": months.is_alert})
    base = alt.Chart(shown, title="Complaints about each theme per text, by month; circled: a rise beyond chance").encode(
        x=month_axis(), y=alt.Y("Complaint share:Q", axis=alt.Axis(format="%")), color="Theme:N")
    line = base.mark_line(point=True).encode(tooltip=["Month:T", "Theme:N", alt.Tooltip("Complaint share:Q", format=".1%"),
                                                      "Complaints:Q", "Texts:Q"])
    circled = base.transform_filter("datum.Alert").mark_point(size=300, filled=False, color="black")
    view.chart("feedback_complaint_shares", line + circled, shown, "feedback_themes", "survey comments or reviews")
    drivers = view.warehouse.feedback_nps_drivers()
    drivers = pd.DataFrame({"Theme": drivers.theme.str.replace("_", " "), "NPS difference": drivers.nps_difference,
                            "Lower bound (95%)": drivers.nps_difference_lower, "Upper bound (95%)": drivers.nps_difference_upper,
                            "Respondents mentioning": drivers.respondents_mentioning})
    bars = alt.Chart(drivers, title="NPS of respondents mentioning a theme minus everyone else's, with 95% intervals (all months)")
    view.chart("feedback_nps_drivers",
               bars.mark_bar().encode(y=alt.Y("Theme:N", sort=None, title=None), x=alt.X("NPS difference:Q", title="NPS difference"),
                                      tooltip=["Theme:N", alt.Tooltip("NPS difference:Q", format="+.1f"), "Respondents mentioning:Q"])
               + bars.mark_rule().encode(y=alt.Y("Theme:N", sort=None), x="Lower bound (95%):Q", x2="Upper bound (95%):Q"),
               drivers, "feedback_themes", "NPS answers")
    candidates = view.warehouse.feedback_candidate_themes()
    st.subheader("What else customers write about")
    st.caption("Candidate themes among the texts no listed theme matched (TF-IDF + NMF). A real theme? Add its keywords "
               "to seeds/feedback_theme_keywords.csv.")
    st.dataframe(candidates.rename(columns={"language": "Language", "candidate_rank": "Rank", "top_terms": "Top terms",
                                            "texts": "Texts", "share_of_unmatched": "Share of unmatched texts"}),
                 hide_index=True)


def clv_page(view: View) -> None:
    st.caption("Predictive CLV is as of the reporting clock, so the date range does not apply to it.")
    customers = view.warehouse.predictive_clv(view.filters)
    value = f"Predictive CLV ({view.currency})"
    customers = pd.DataFrame({"Customer": customers.customer, value: customers.predictive_clv})
    if not customers.empty:
        columns = st.columns(3)
        columns[0].metric("Customers valued", f"{len(customers):,}")
        columns[1].metric("Median predictive CLV", view.money(customers[value].median(), 2))
        columns[2].metric("Total predictive CLV", view.money(customers[value].sum()))
    view.chart("predictive_clv", alt.Chart(customers, title="Predictive CLV per customer").mark_bar().encode(
        x=alt.X(f"{value}:Q", bin=alt.Bin(maxbins=40), axis=view.money_axis("Predictive CLV")),
        y=alt.Y("count():Q", title="Customers")), customers, "customers", "valued customers")
    multiples = view.warehouse.top_customer_multiples().rename(
        columns={"year": "Year", "top_10_percent_multiple": "Top 10%", "top_1_percent_multiple": "Top 1%"})
    bars = multiples.melt("Year", ["Top 10%", "Top 1%"], "Customers", "Multiple")
    view.chart("top_customer_multiples",
               alt.Chart(bars, title="Revenue per order of the top customers by revenue, as a multiple of everyone else")
               .mark_bar().encode(x=alt.X("Year:O", title=None), xOffset="Customers:N", y=alt.Y("Multiple:Q", title="× others"),
                                  color="Customers:N", tooltip=["Year:O", "Customers:N", alt.Tooltip("Multiple:Q", format=".2f")]),
               multiples, "top_customer_spend", "yearly order totals")


def messaging_page(view: View) -> None:
    channels = view.warehouse.messaging_by_channel(view.filters)
    names = {"delivery_rate": "Delivered", "open_rate": "Opened", "click_rate": "Clicked", "conversion_rate": "Converted",
             "unsubscribe_rate": "Unsubscribed"}
    channels = channels.rename(columns={"channel": "Channel", "sent": "Sent", "delivered": "Delivered messages", **names})
    channels["Channel"] = [view.label("messaging channel", value) for value in channels["Channel"]]
    rates = channels.melt("Channel", list(names.values()), "Rate", "Share")
    view.chart("messaging_rates", alt.Chart(rates, title="Messaging rates by channel (delivered per sent; the others per delivered)")
               .mark_bar().encode(x=alt.X("Rate:N", title=None, sort=None), y=alt.Y("Share:Q", axis=alt.Axis(format="%")),
                                  color=alt.Color("Rate:N", sort=None), column=alt.Column("Channel:N", title=None)),
               channels, "messaging", "messages")
    reach = view.warehouse.messaging_reach(view.filters).rename(columns={
        "reach_group": "Reached on", "customers_reached": "Customers reached", "customer_conversion_rate": "Customer conversion rate"})
    reach["Reached on"] = reach["Reached on"].str.replace("_", " ")
    view.chart("messaging_reach", alt.Chart(reach, title="Customer conversion: reached on one channel vs two or more").mark_bar()
               .encode(x=alt.X("Reached on:N", title=None), y=alt.Y("Customer conversion rate:Q", axis=alt.Axis(format="%")),
                       tooltip=["Customers reached:Q"]), reach, "messaging", "messages")


def audiences_page(view: View) -> None:
    st.caption("Audiences are as of the reporting clock, so the date range does not apply to them.")
    sizes = view.warehouse.audience_sizes(view.filters).rename(columns={"audience": "Audience", "channel": "Sent through",
                                                                        "customers": "Customers"})
    sizes["Audience"] = sizes["Audience"].str.replace("_", " ").str.capitalize()
    view.chart("audience_sizes", alt.Chart(sizes, title="Activation audiences by the channel they are sent through").mark_bar().encode(
        y=alt.Y("Audience:N", title=None, axis=alt.Axis(labelLimit=300)), x=alt.X("Customers:Q"), color="Sent through:N",
        tooltip=["Audience:N", "Sent through:N", "Customers:Q"]), sizes, "audiences", "audience members")


# slug (the page's URL path; "" is the overview at /) -> title, page, the sources of its charts
PAGES: dict[str, tuple[str, Callable[[View], None], tuple[str, ...]]] = {
    "": ("Overview", overview_page, ("person_day_segments", "sessions", "customer_months", "survey_answers",
                                     "acquisition_channel_months")),
    "engagement": ("Engagement", engagement_page, ("person_day_segments", "sessions", "engagement_daily")),
    "retention": ("Retention", retention_page, ("retention_cohort_periods",)),
    "funnel": ("Funnel", funnel_page, ("funnel_monthly",)),
    "revenue": ("MRR and NRR", revenue_page, ("customer_months",)),
    "acquisition": ("Acquisition cost", acquisition_page, ("acquisition_channel_months",)),
    "nps": ("NPS", nps_page, ("survey_answers",)),
    "feedback": ("Feedback themes", feedback_page, ("feedback_themes",)),
    "clv": ("Customer value", clv_page, ("customers", "top_customer_spend")),
    "messaging": ("Messaging", messaging_page, ("messaging",)),
    "audiences": ("Audiences", audiences_page, ("audiences",)),
}


def remembered(name: str, default, valid: Callable[[object], bool]) -> str:
    """The widget key of a filter whose value outlives pages that hide it: kept in session state under
    `name`, seeded from the URL's query on the session's first run."""
    if name not in st.session_state:
        from_url = st.query_params.get(name)
        st.session_state[name] = from_url if from_url is not None and valid(from_url) else default
    st.session_state[f"_{name}"] = st.session_state[name]
    return f"_{name}"


def keep(name: str) -> None:
    st.session_state[name] = st.session_state[f"_{name}"]


def sidebar_filters(warehouse: PublishedWarehouse, plan_names: dict[str, str], sources: tuple[str, ...]) -> Filters:
    first, last = warehouse.date_bounds()

    def a_day(text) -> bool:
        try:
            return first <= date.fromisoformat(str(text)) <= last
        except ValueError:
            return False

    start_key = remembered("start", max(first, last - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), a_day)
    end_key = remembered("end", last.isoformat(), a_day)
    chosen = st.sidebar.date_input("Date range", value=(date.fromisoformat(st.session_state[start_key]),
                                                        date.fromisoformat(st.session_state[end_key])),
                                   min_value=first, max_value=last)
    # While a range is being picked the widget holds one date; keep the last whole range until both are set.
    if isinstance(chosen, tuple) and len(chosen) == 2:
        st.session_state["start"], st.session_state["end"] = chosen[0].isoformat(), chosen[1].isoformat()
    values = {"country": warehouse.countries(), "platform": warehouse.platforms(), "channel": warehouse.channels(),
              "plan": list(plan_names)}
    shown = [name for name in FILTER_TITLES if any(name in SEGMENTS[source] for source in sources)]
    for name in shown:
        st.sidebar.selectbox(FILTER_TITLES[name], [EVERYONE, *values[name]], key=remembered(name, EVERYONE, values[name].__contains__),
                             format_func=lambda value, name=name: "All" if value == EVERYONE else value_label(name, value, plan_names),
                             help=FILTER_MEANINGS[name], on_change=keep, args=(name,))
    hidden = [name for name in FILTER_TITLES if name not in shown]
    if hidden:
        st.sidebar.caption(f"No {in_words(hidden)} filter on this page: its data is not split by "
                           f"{'it' if len(hidden) == 1 else 'them'}.")
    st.sidebar.caption(f"Published warehouse: `{warehouse.path}` (read-only)")
    segments = {name: st.session_state[name] or None for name in shown}
    st.query_params.from_dict({"start": st.session_state["start"], "end": st.session_state["end"],
                               **{name: value for name, value in segments.items() if value is not None}})
    return Filters(date.fromisoformat(st.session_state["start"]), date.fromisoformat(st.session_state["end"]), **segments)


@st.cache_resource
def semantic_layer() -> SemanticLayer:
    return SemanticLayer(SEMANTIC_MANIFEST)


def main() -> None:
    st.set_page_config(page_title="Engagement warehouse", layout="wide")
    try:
        warehouse = PublishedWarehouse(WarehouseSettings.from_env().published_path, semantic_layer())
    except (WarehouseMissing, SemanticManifestMissing) as missing:
        st.error(str(missing))
        st.stop()
    plan_names = warehouse.plan_names()

    def page(slug: str, title: str, render: Callable[[View], None], sources: tuple[str, ...]) -> st.Page:
        def run() -> None:
            st.title(title)
            filters = sidebar_filters(warehouse, plan_names, sources)
            render(View(warehouse, filters, slug or "overview", plan_names, warehouse.currency()))
        return st.Page(run, title=title, url_path=slug or "overview", default=not slug)

    st.navigation([page(slug, title, render, sources) for slug, (title, render, sources) in PAGES.items()]).run()


if __name__ == "__main__":  # Streamlit runs this file as __main__; importing it (tests, PAGES) must not.
    main()
