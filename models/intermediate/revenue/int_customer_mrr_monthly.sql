-- One row per customer and calendar month, from the month of their first subscription change
-- to the reporting month: MRR at the end of the month (the current month ends at as-of).
with

states as (
    select * from {{ ref('int_subscription_states') }}
),

clock as (
    select * from {{ ref('int_reporting_clock') }}
),

bounds as (
    select
        {{ dbt.date_trunc('month', 'min(states.valid_from)') }} as first_month,
        {{ dbt.date_trunc('month', dbt.dateadd('second', -1, 'max(clock.as_of_at)')) }} as reporting_month,
        max(clock.as_of_at) as as_of_at
    from states
    cross join clock
),

months as (
    select
        {{ series('bounds.first_month', 'bounds.reporting_month', 'interval 1 month') }} as month_start,
        bounds.as_of_at
    from bounds
),

month_ends as (
    select
        month_start,
        case
            when {{ dbt.dateadd('month', 1, 'month_start') }} < as_of_at then {{ dbt.dateadd('month', 1, 'month_start') }}
            else as_of_at
        end as month_end
    from months
),

customer_first_month as (
    select customer_key, {{ dbt.date_trunc('month', 'min(valid_from)') }} as first_month
    from states
    group by customer_key
),

customer_months as (
    select customer_first_month.customer_key, month_ends.month_start, month_ends.month_end
    from customer_first_month
    inner join month_ends on customer_first_month.first_month <= month_ends.month_start
),

state_at_month_end as (
    select
        customer_months.customer_key,
        customer_months.month_start,
        states.plan_id,
        states.mrr
    from customer_months
    inner join states
        on customer_months.customer_key = states.customer_key
        and customer_months.month_end > states.valid_from
        and (states.valid_to is null or customer_months.month_end <= states.valid_to)
),

-- A customer with several paying subscriptions is on the plan of the one with the highest MRR (then the first plan_id).
plan_at_month_end as (
    select customer_key, month_start, plan_id
    from (
        select
            customer_key,
            month_start,
            plan_id,
            row_number() over (partition by customer_key, month_start order by mrr desc, plan_id asc) as plan_rank
        from state_at_month_end
        where mrr > 0
    ) as ranked
    where plan_rank = 1
),

mrr_at_month_end as (
    select
        customer_months.customer_key,
        customer_months.month_start,
        cast(coalesce(sum(state_at_month_end.mrr), 0) as {{ dbt.type_numeric() }}) as mrr
    from customer_months
    left join state_at_month_end
        on customer_months.customer_key = state_at_month_end.customer_key
        and customer_months.month_start = state_at_month_end.month_start
    group by customer_months.customer_key, customer_months.month_start
)

select
    mrr_at_month_end.customer_key,
    mrr_at_month_end.month_start,
    mrr_at_month_end.mrr,
    coalesce(plan_at_month_end.plan_id, 'none') as plan_id
from mrr_at_month_end
left join plan_at_month_end
    on mrr_at_month_end.customer_key = plan_at_month_end.customer_key
    and mrr_at_month_end.month_start = plan_at_month_end.month_start
