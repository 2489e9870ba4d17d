-- One row per cohort granularity (week, month), signup cohort and period number N: the share of
-- the cohort active in period N ("on") and in period N or any later one ("on or after").
with

customers as (
    select * from {{ ref('stg_app__customers') }}
),

person_days as {{ not_materialized() }} (
    select * from {{ ref('person_daily_activity') }}
),

granularities as (
    select 'week' as granularity
    union all
    select 'month'
),

members as (
    select
        granularities.granularity,
        customers.customer_key,
        case granularities.granularity
            when 'week' then {{ dbt.date_trunc('week', 'customers.created_at') }}
            else {{ dbt.date_trunc('month', 'customers.created_at') }}
        end as cohort_start
    from customers
    cross join granularities
),

member_periods as (
    select distinct
        members.granularity,
        members.cohort_start,
        members.customer_key,
        case members.granularity
            -- Days / 7 from the week start: dbt's week datediff counts Sunday-based boundaries.
            when 'week' then cast(floor({{ dbt.datediff('members.cohort_start', 'person_days.activity_date', 'day') }} / 7.0) as {{ dbt.type_int() }})
            else {{ dbt.datediff('members.cohort_start', 'person_days.activity_date', 'month') }}
        end as period_number
    from members
    inner join person_days
        on members.customer_key = person_days.person_key
        -- Browsing before signup (stitched to the customer) precedes the cohort.
        and person_days.activity_date >= cast(members.cohort_start as date)
),

last_periods as (
    select granularity, cohort_start, customer_key, max(period_number) as last_period_number
    from member_periods
    group by granularity, cohort_start, customer_key
),

cohort_sizes as (
    select granularity, cohort_start, count(*) as cohort_size
    from members
    group by granularity, cohort_start
),

observed_until as (
    select max(activity_date) as last_date from person_days
),

cohort_periods as (
    select
        cohort_sizes.granularity,
        cohort_sizes.cohort_start,
        cohort_sizes.cohort_size,
        {{ series(0, "case cohort_sizes.granularity
            when 'week' then cast(floor(" ~ dbt.datediff('cohort_sizes.cohort_start', 'observed_until.last_date', 'day') ~ " / 7.0) as " ~ dbt.type_int() ~ ")
            else " ~ dbt.datediff('cohort_sizes.cohort_start', 'observed_until.last_date', 'month') ~ "
        end") }} as period_number
    from cohort_sizes
    cross join observed_until
),

active_on as (
    select granularity, cohort_start, period_number, count(*) as active_on_period
    from member_periods
    group by granularity, cohort_start, period_number
),

active_on_or_after as (
    select cohort_periods.granularity, cohort_periods.cohort_start, cohort_periods.period_number, count(*) as active_on_or_after_period
    from cohort_periods
    inner join last_periods
        on cohort_periods.granularity = last_periods.granularity
        and cohort_periods.cohort_start = last_periods.cohort_start
        and cohort_periods.period_number <= last_periods.last_period_number
    group by cohort_periods.granularity, cohort_periods.cohort_start, cohort_periods.period_number
)

select
    cohort_periods.granularity,
    cast(cohort_periods.cohort_start as date) as cohort_start,
    cohort_periods.period_number,
    cohort_periods.cohort_size,
    coalesce(active_on.active_on_period, 0) as active_on_period,
    coalesce(active_on_or_after.active_on_or_after_period, 0) as active_on_or_after_period,
    {{ ratio('coalesce(active_on.active_on_period, 0)', 'cohort_periods.cohort_size') }} as retention_on_period,
    {{ ratio('coalesce(active_on_or_after.active_on_or_after_period, 0)', 'cohort_periods.cohort_size') }} as retention_on_or_after_period
from cohort_periods
left join active_on
    on cohort_periods.granularity = active_on.granularity
    and cohort_periods.cohort_start = active_on.cohort_start
    and cohort_periods.period_number = active_on.period_number
left join active_on_or_after
    on cohort_periods.granularity = active_on_or_after.granularity
    and cohort_periods.cohort_start = active_on_or_after.cohort_start
    and cohort_periods.period_number = active_on_or_after.period_number
