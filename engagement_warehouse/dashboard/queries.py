"""Every number the dashboard shows, read from the published warehouse (read-only).

Metrics come from the semantic layer (MetricFlow compiles each question from the dbt semantic manifest),
so no metric formula is restated here; what the semantic layer does not model (the funnel, messaging,
top-customer multiples, audience sizes) is read as the mart stores it, summing counts only.

The sidebar's filters narrow each chart by the dimension its data has for them (SEGMENTS); a filter a
chart's data lacks does not apply to it, and the page says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from engagement_warehouse.semantic_layer import Question, SemanticLayer, sql_literal
from engagement_warehouse.settings import AUDIENCES
from engagement_warehouse.statistics.surveys import SMALL_SAMPLE, nps_interval

FUNNEL_STEPS = ("visitors", "signups", "trials", "paying_customers")

# What each filter means, said once: the sidebar shows it as the filter's help.
FILTER_MEANINGS = {
    "country": "Where the activity happened for activity and sessions; the customer's country elsewhere.",
    "platform": "The platform of the activity or session (web, iOS, Android).",
    "channel": "The session's or first visit's channel group for sessions and the funnel; the customer's "
               "acquisition channel elsewhere (the same channel names).",
    "plan": "The customer's current plan; the month's plan for MRR; the plan at the answer for NPS.",
}

# Per source of a chart (a semantic model, or a mart read as it is): the dimension each filter narrows.
# A filter absent from a source's entry does not apply to its charts.
SEGMENTS: dict[str, dict[str, str]] = {
    "person_day_segments": {"country": "person_day_segment__country", "platform": "person_day_segment__platform",
                            "channel": "customer__acquisition_channel", "plan": "customer__current_plan_id"},
    "sessions": {"country": "session__country", "platform": "session__platform",
                 "channel": "session__channel_group", "plan": "customer__current_plan_id"},
    "customer_months": {"country": "customer__country", "channel": "customer__acquisition_channel",
                        "plan": "customer_month__plan_id"},
    "acquisition_channel_months": {"channel": "channel_month__acquisition_channel"},
    "survey_answers": {"country": "survey_answer__country", "channel": "customer__acquisition_channel",
                       "plan": "survey_answer__plan_id"},
    "customers": {"country": "customer__country", "channel": "customer__acquisition_channel",
                  "plan": "customer__current_plan_id"},
    "retention_cohort_periods": {},
    "engagement_daily": {},
    "funnel_monthly": {"channel": "channel_group"},
    "messaging": {},
    "top_customer_spend": {},
    "feedback_themes": {},
    "audiences": {"country": "customers.country", "channel": "customers.acquisition_channel",
                  "plan": "customers.current_plan_id"},
}

# Semantic models whose marts the dashboard reads through the semantic layer (the exposure lists them).
SEMANTIC_MODEL_MARTS = {"person_day_segments": "person_daily_segments", "sessions": "fct_sessions",
                        "customer_months": "mrr_movements", "acquisition_channel_months": "acquisition_cac",
                        "survey_answers": "fct_survey_answers", "customers": "dim_customers",
                        "retention_cohort_periods": "retention_cohorts"}

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "BRL": "R$", "AUD": "A$", "CAD": "C$"}


class WarehouseMissing(FileNotFoundError):
    """The published warehouse file does not exist yet."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    country: str | None = None
    platform: str | None = None
    channel: str | None = None
    plan: str | None = None

    def chosen(self) -> dict[str, str]:
        """The segment filters set to one value (None = everyone)."""
        return {field.name: getattr(self, field.name) for field in fields(self)
                if field.name in FILTER_MEANINGS and getattr(self, field.name) is not None}

    def equals(self, source: str) -> tuple[tuple[str, str], ...]:
        """(dimension, value) of each chosen filter the source has."""
        return tuple((SEGMENTS[source][name], value) for name, value in self.chosen().items() if name in SEGMENTS[source])

    def sql_condition(self, source: str) -> str:
        """The chosen filters as a SQL condition on a mart the semantic layer does not model."""
        return " and ".join(["true", *(f"{column} = {sql_literal(value)}" for column, value in self.equals(source))])


def month_start(day: date) -> date:
    return day.replace(day=1)


class PublishedWarehouse:
    """Opens the published copy read-only for each query, so a new publish (an atomic file
    replace) is picked up and a dashboard never holds a lock on the build."""

    def __init__(self, path: Path, semantic_layer: SemanticLayer):
        if not path.exists():
            raise WarehouseMissing(f"no published warehouse at {path}; run `make demo` first, "
                                   "or point EW_PUBLISHED_PATH at a published engagement.duckdb")
        self.path = path
        self.semantic_layer = semantic_layer

    def frame(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, params or {}).df()

    def ask(self, source: str, filters: Filters, metrics: tuple[str, ...], group_by: tuple[str, ...],
            monthly: bool = False) -> pd.DataFrame:
        """Metrics of a semantic model by group-by items, for the filters' date range and segments."""
        return self.semantic_layer.frame(self.path, Question(
            metrics, group_by, filters.equals(source),
            month_start(filters.start) if monthly else filters.start, filters.end))

    # The values the filters offer, with their labels.
    def date_bounds(self) -> tuple[date, date]:
        first, last = self.frame("select min(activity_date) as first, max(activity_date) as last "
                                 "from marts.engagement_daily").iloc[0]
        return pd.Timestamp(first).date(), pd.Timestamp(last).date()

    def countries(self) -> list[str]:
        return self.frame("""
            select country from marts.dim_customers where country is not null
            union select country from marts.person_daily_segments where country <> 'unknown'
            order by country""")["country"].tolist()

    def platforms(self) -> list[str]:
        return self.frame("select distinct platform from marts.person_daily_segments where platform <> 'unknown' "
                          "order by platform")["platform"].tolist()

    def channels(self) -> list[str]:
        return self.frame("""
            select acquisition_channel as channel from marts.dim_customers where acquisition_channel is not null
            union select channel_group from marts.funnel_monthly
            order by channel""")["channel"].tolist()

    def plan_names(self) -> dict[str, str]:
        return dict(self.frame("select plan_id, plan_name from reference.plans order by price_usd, plan_id").itertuples(index=False))

    def currency(self) -> str:
        return self.frame("select value from reference.reporting_settings where setting = 'reporting_currency'").iloc[0, 0]

    # Engagement.
    def active_persons(self, filters: Filters) -> pd.DataFrame:
        return self.ask("person_day_segments", filters, ("dau", "wau", "mau", "stickiness"), ("metric_time__day",))

    def session_rates(self, filters: Filters) -> pd.DataFrame:
        return self.ask("sessions", filters, ("sessions", "engagement_rate", "bounce_rate"), ("metric_time__day",))

    def sessions_by_channel_group(self, filters: Filters) -> pd.DataFrame:
        return self.ask("sessions", filters, ("sessions", "engagement_rate"), ("session__channel_group",))

    def time_spent(self, filters: Filters) -> pd.DataFrame:
        return self.frame("""
            select activity_date, engaged_seconds_per_active_person / 60.0 as engaged_minutes_per_active_person
            from marts.engagement_daily
            where activity_date between $start and $end
            order by activity_date""", {"start": filters.start, "end": filters.end})

    def retention(self, granularity: str, filters: Filters) -> pd.DataFrame:
        cohorts = self.semantic_layer.frame(self.path, Question(
            ("cohort_members", "retention_on_period", "retention_on_or_after_period"),
            ("cohort__cohort_start__day", "cohort__period_number"), (("cohort__granularity", granularity),),
            filters.start, filters.end))
        return cohorts.rename(columns={"cohort__cohort_start__day": "cohort_start", "cohort__period_number": "period_number",
                                       "cohort_members": "cohort_size"})

    # Funnel (funnel_monthly: counts of first visits by month and first-touch channel group).
    def funnel(self, filters: Filters) -> pd.DataFrame:
        """Visitors → signups → trials → paying customers of the first visits in the range's months."""
        totals = self.frame(f"""
            select {', '.join(f'coalesce(sum({step}), 0) as {step}' for step in FUNNEL_STEPS)}
            from marts.funnel_monthly
            where month_start between $start and $end and {filters.sql_condition('funnel_monthly')}""",
                            {"start": month_start(filters.start), "end": filters.end}).iloc[0]
        steps = pd.DataFrame({"step": FUNNEL_STEPS, "persons": [int(totals[step]) for step in FUNNEL_STEPS]})
        steps["share_of_visitors"] = steps["persons"] / steps["persons"].iloc[0] if steps["persons"].iloc[0] else 0.0
        return steps

    # Revenue and acquisition.
    def mrr_months(self, filters: Filters) -> pd.DataFrame:
        """The MRR bridge per month (start + movements = end) and NRR."""
        return self.ask("customer_months", filters, ("mrr_at_period_start", "mrr_new", "mrr_expansion", "mrr_reactivation",
                                                     "mrr_contraction", "mrr_churned", "mrr", "nrr"),
                        ("metric_time__month",), monthly=True)

    def mrr_by_plan(self, filters: Filters) -> pd.DataFrame:
        plans = self.ask("customer_months", filters, ("mrr",), ("metric_time__month", "customer_month__plan_id"), monthly=True)
        return plans[plans["customer_month__plan_id"] != "none"]

    def acquisition(self, filters: Filters) -> pd.DataFrame:
        return self.ask("acquisition_channel_months", filters, ("marketing_spend", "new_paying_customers", "cac"),
                        ("metric_time__month", "channel_month__acquisition_channel"), monthly=True)

    # Feedback.
    def nps_months(self, filters: Filters) -> pd.DataFrame:
        """NPS by month with its adjusted-Wald interval (the statistics asset's function)."""
        months = self.ask("survey_answers", filters, ("nps", "nps_respondents", "nps_promoters", "nps_detractors"),
                          ("metric_time__month",), monthly=True)
        months = months[months["nps_respondents"] > 0].reset_index(drop=True)
        lower, upper = nps_interval(months["nps_promoters"], months["nps_detractors"], months["nps_respondents"])
        return months.assign(nps_lower=lower, nps_upper=upper, is_small_sample=months["nps_respondents"] < SMALL_SAMPLE)

    def feedback_theme_months(self, filters: Filters) -> pd.DataFrame:
        """Per month and theme over all feedback sources: complaint and mention shares, and whether it was alerted."""
        return self.frame("""
            select feedback_month, theme, texts, mentions, complaints, mention_share, complaint_share,
                   trailing_complaint_share, is_alert
            from marts.feedback_themes_monthly
            where feedback_source = 'all' and feedback_month between $start and $end
            order by feedback_month, theme""", {"start": month_start(filters.start), "end": filters.end})

    def feedback_nps_drivers(self) -> pd.DataFrame:
        return self.frame("""
            select theme, respondents_mentioning, nps_mentioning, nps_not_mentioning, nps_difference,
                   nps_difference_lower, nps_difference_upper
            from marts.feedback_nps_drivers
            where nps_difference is not null
            order by nps_difference""")

    def feedback_candidate_themes(self) -> pd.DataFrame:
        return self.frame("""
            select language, candidate_rank, top_terms, texts, share_of_unmatched
            from marts.feedback_candidate_themes
            order by language, candidate_rank""")

    # Customer value.
    def predictive_clv(self, filters: Filters) -> pd.DataFrame:
        """One row per valued customer; predictive CLV is as of the reporting clock (no date range)."""
        return self.semantic_layer.frame(self.path, Question(("predictive_clv",), ("customer",), filters.equals("customers")))

    def top_customer_multiples(self) -> pd.DataFrame:
        return self.frame("""
            select year(year_start) as year, top_10_percent_multiple, top_1_percent_multiple
            from marts.top_customer_spend
            order by year_start""")

    # Messaging (monthly counts by messaging channel; rates from summed counts with the marts' denominators).
    def messaging_by_channel(self, filters: Filters) -> pd.DataFrame:
        return self.frame("""
            select channel, sum(sent) as sent, sum(delivered) as delivered,
                   sum(delivered) * 1.0 / nullif(sum(sent), 0) as delivery_rate,
                   sum(opened) * 1.0 / nullif(sum(delivered), 0) as open_rate,
                   sum(clicked) * 1.0 / nullif(sum(delivered), 0) as click_rate,
                   sum(converted) * 1.0 / nullif(sum(delivered), 0) as conversion_rate,
                   sum(unsubscribed) * 1.0 / nullif(sum(delivered), 0) as unsubscribe_rate
            from marts.messaging_performance_monthly
            where month_start between $start and $end
            group by channel
            order by channel""", {"start": month_start(filters.start), "end": filters.end})

    def messaging_reach(self, filters: Filters) -> pd.DataFrame:
        return self.frame("""
            select reach_group, sum(customers_reached) as customers_reached,
                   sum(customers_converted) * 1.0 / nullif(sum(customers_reached), 0) as customer_conversion_rate
            from marts.messaging_reach_monthly
            where month_start between $start and $end
            group by reach_group
            order by reach_group""", {"start": month_start(filters.start), "end": filters.end})

    def audience_sizes(self, filters: Filters) -> pd.DataFrame:
        counts = " union all ".join(
            f"""select '{name.removeprefix("audience_")}' as audience, audience.channel, count(*) as customers
                from marts.{name} as audience
                inner join marts.dim_customers as customers on customers.customer_key = audience.customer_key
                where {filters.sql_condition('audiences')}
                group by audience.channel""" for name in AUDIENCES)
        return self.frame(f"select * from ({counts}) order by audience, channel")
