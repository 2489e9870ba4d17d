"""Every number the dashboard shows, read from the published warehouse (read-only).

Each function takes the filters of the sidebar: a date range (inclusive) and a country
segment (None = everyone). A segment is the customer's country in dim_customers, so a
segmented view counts customers only; anonymous visitors belong to no country.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

AUDIENCES = ("audience_trial_without_key_action", "audience_high_value_at_risk", "audience_promoters_to_ask",
             "audience_detractors_follow_up", "audience_dormant_paying")


FUNNEL_STEPS = ("visitors", "signups", "trials", "paying_customers")


class WarehouseMissing(FileNotFoundError):
    """The published warehouse file does not exist yet."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    country: str | None = None


class PublishedWarehouse:
    """Opens the published copy read-only for each query, so a new publish (an atomic file
    replace) is picked up and a dashboard never holds a lock on the build."""

    def __init__(self, path: Path):
        if not path.exists():
            raise WarehouseMissing(f"no published warehouse at {path}; run `make demo` first, "
                                   "or point EW_PUBLISHED_PATH at a published engagement.duckdb")
        self.path = path

    def frame(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, params or {}).df()

    def date_bounds(self) -> tuple[date, date]:
        first, last = self.frame("select min(activity_date) as first, max(activity_date) as last "
                                 "from marts.engagement_daily").iloc[0]
        return pd.Timestamp(first).date(), pd.Timestamp(last).date()

    def countries(self) -> list[str]:
        return self.frame("select distinct country from marts.dim_customers where country is not null "
                          "order by country")["country"].tolist()

    def engagement_daily(self, filters: Filters) -> pd.DataFrame:
        """DAU/WAU/MAU, stickiness, engagement and bounce rate, time spent per active person."""
        params = {"start": filters.start, "end": filters.end}
        if filters.country is None:
            return self.frame("""
                select activity_date, dau, wau, mau, stickiness, engagement_rate, bounce_rate,
                       engaged_seconds_per_active_person / 60.0 as engaged_minutes_per_active_person
                from marts.engagement_daily
                where activity_date between $start and $end
                order by activity_date""", params)
        # The segment's persons are customers of that country; WAU/MAU are distinct persons over
        # the trailing 7/30 days, so the window looks back before the range start.
        return self.frame("""
            with segment_days as (
                select activity.person_key, activity.activity_date, activity.sessions,
                       activity.engaged_sessions, activity.engaged_seconds
                from marts.person_daily_activity as activity
                inner join marts.dim_customers as customers on customers.customer_key = activity.person_key
                where customers.country = $country
                  and activity.activity_date between $start - interval 29 day and $end
            ),
            days as (
                select distinct activity_date from marts.engagement_daily where activity_date between $start and $end
            ),
            rolling as (
                select days.activity_date,
                       count(distinct case when segment_days.activity_date = days.activity_date then segment_days.person_key end) as dau,
                       count(distinct case when segment_days.activity_date > days.activity_date - interval 7 day then segment_days.person_key end) as wau,
                       count(distinct segment_days.person_key) as mau,
                       sum(case when segment_days.activity_date = days.activity_date then segment_days.sessions end) as sessions,
                       sum(case when segment_days.activity_date = days.activity_date then segment_days.engaged_sessions end) as engaged_sessions,
                       sum(case when segment_days.activity_date = days.activity_date then segment_days.engaged_seconds end) as engaged_seconds
                from days
                left join segment_days
                  on segment_days.activity_date between days.activity_date - interval 29 day and days.activity_date
                group by days.activity_date
            )
            select activity_date, dau, wau, mau,
                   dau * 1.0 / nullif(mau, 0) as stickiness,
                   engaged_sessions * 1.0 / nullif(sessions, 0) as engagement_rate,
                   1 - engaged_sessions * 1.0 / nullif(sessions, 0) as bounce_rate,
                   engaged_seconds / 60.0 / nullif(dau, 0) as engaged_minutes_per_active_person
            from rolling
            order by activity_date""", {**params, "country": filters.country})

    def retention(self, granularity: str, filters: Filters) -> pd.DataFrame:
        return self.frame("""
            select cohort_start, period_number, cohort_size, retention_on_period, retention_on_or_after_period
            from marts.retention_cohorts
            where granularity = $granularity and cohort_start between $start and $end
            order by cohort_start, period_number""",
                          {"granularity": granularity, "start": filters.start, "end": filters.end})

    def funnel_channel_groups(self) -> list[str]:
        return self.frame("select distinct channel_group from marts.funnel_monthly order by 1")["channel_group"].tolist()

    def funnel(self, filters: Filters, channel_group: str | None = None) -> pd.DataFrame:
        """Visitors → signups → trials → paying customers of the first visits in the range's months,
        of one first-touch channel group or all."""
        totals = self.frame("""
            select coalesce(sum(visitors), 0) as visitors, coalesce(sum(signups), 0) as signups,
                   coalesce(sum(trials), 0) as trials, coalesce(sum(paying_customers), 0) as paying_customers
            from marts.funnel_monthly
            where month_start between date_trunc('month', $start::date) and $end
              and ($channel_group is null or channel_group = $channel_group)""",
                            {"start": filters.start, "end": filters.end, "channel_group": channel_group}).iloc[0]
        return pd.DataFrame({"step": FUNNEL_STEPS, "persons": [int(totals[step]) for step in FUNNEL_STEPS]})

    def mrr_months(self, filters: Filters) -> pd.DataFrame:
        """The MRR bridge per month (start + movements = end) and NRR, for the segment's customers."""
        return self.frame("""
            with months as (
                select movements.month_start,
                       sum(movements.start_mrr) as start_mrr, sum(movements.new_mrr) as new_mrr,
                       sum(movements.expansion_mrr) as expansion_mrr, sum(movements.reactivation_mrr) as reactivation_mrr,
                       sum(movements.contraction_mrr) as contraction_mrr, sum(movements.churned_mrr) as churned_mrr,
                       sum(movements.end_mrr) as end_mrr
                from marts.mrr_movements as movements
                inner join marts.dim_customers as customers on customers.customer_key = movements.customer_key
                where ($country is null or customers.country = $country)
                  and movements.month_start between date_trunc('month', $start::date) and $end
                group by movements.month_start
            )
            select *,
                   (start_mrr + expansion_mrr + reactivation_mrr + contraction_mrr + churned_mrr)
                       / nullif(start_mrr, 0) as net_revenue_retention
            from months
            order by month_start""", {"start": filters.start, "end": filters.end, "country": filters.country})

    def nps_months(self, filters: Filters) -> pd.DataFrame:
        dimension, value = ("all", "all") if filters.country is None else ("country", filters.country)
        return self.frame("""
            select response_month, respondents, nps, nps_lower, nps_upper, is_small_sample
            from marts.fct_nps_monthly
            where dimension = $dimension and dimension_value = $value
              and response_month between date_trunc('month', $start::date) and $end
            order by response_month""",
                          {"dimension": dimension, "value": value, "start": filters.start, "end": filters.end})

    def predictive_clv(self, filters: Filters) -> pd.DataFrame:
        return self.frame("""
            select customer_key, predictive_clv_usd, p_alive, value_segment
            from marts.customer_predicted_value
            where $country is null or country = $country""", {"country": filters.country})

    def top_customer_multiples(self) -> pd.DataFrame:
        return self.frame("""
            select year(year_start) as year, top_10_percent_multiple, top_1_percent_multiple
            from marts.top_customer_spend
            order by year_start""")

    def messaging_by_channel(self, filters: Filters) -> pd.DataFrame:
        # Rates are recomputed from the summed counts with the mart's denominators.
        return self.frame("""
            select channel, sum(sent) as sent, sum(delivered) as delivered,
                   sum(delivered) * 1.0 / nullif(sum(sent), 0) as delivery_rate,
                   sum(opened) * 1.0 / nullif(sum(delivered), 0) as open_rate,
                   sum(clicked) * 1.0 / nullif(sum(delivered), 0) as click_rate,
                   sum(converted) * 1.0 / nullif(sum(delivered), 0) as conversion_rate,
                   sum(unsubscribed) * 1.0 / nullif(sum(delivered), 0) as unsubscribe_rate
            from marts.messaging_performance_monthly
            where month_start between date_trunc('month', $start::date) and $end
            group by channel
            order by channel""", {"start": filters.start, "end": filters.end})

    def messaging_reach(self, filters: Filters) -> pd.DataFrame:
        return self.frame("""
            select reach_group, sum(customers_reached) as customers_reached,
                   sum(customers_converted) * 1.0 / nullif(sum(customers_reached), 0) as customer_conversion_rate
            from marts.messaging_reach_monthly
            where month_start between date_trunc('month', $start::date) and $end
            group by reach_group
            order by reach_group""", {"start": filters.start, "end": filters.end})

    def audience_sizes(self, filters: Filters) -> pd.DataFrame:
        counts = " union all ".join(
            f"""select '{name.removeprefix("audience_")}' as audience, audience.channel, count(*) as customers
                from marts.{name} as audience
                inner join marts.dim_customers as customers on customers.customer_key = audience.customer_key
                where $country is null or customers.country = $country
                group by audience.channel""" for name in AUDIENCES)
        return self.frame(f"select * from ({counts}) order by audience, channel", {"country": filters.country})
