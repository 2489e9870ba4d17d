-- One row per month: MRR bridge (start + movements = end), paying customers, churn and revenue retention.
with

movements as (
    select * from {{ ref('mrr_movements') }}
),

states as (
    select * from {{ ref('int_subscription_states') }}
),

billed as (
    select
        {{ dbt.date_trunc('month', 'valid_from') }} as month_start,
        sum(billed_amount) as billed_revenue
    from states
    where is_payment
    group by {{ dbt.date_trunc('month', 'valid_from') }}
),

monthly as (
    select
        month_start,
        sum(start_mrr) as start_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(end_mrr) as end_mrr,
        count(case when start_mrr > 0 then 1 end) as paying_customers_start,
        count(case when end_mrr > 0 then 1 end) as paying_customers_end,
        count(case when movement = 'new' then 1 end) as new_customers,
        count(case when movement = 'reactivation' then 1 end) as reactivated_customers,
        count(case when movement = 'churn' then 1 end) as churned_customers
    from movements
    group by month_start
)

select
    monthly.month_start,
    monthly.start_mrr,
    monthly.new_mrr,
    monthly.expansion_mrr,
    monthly.reactivation_mrr,
    monthly.contraction_mrr,
    monthly.churned_mrr,
    monthly.end_mrr,
    monthly.paying_customers_start,
    monthly.paying_customers_end,
    monthly.new_customers,
    monthly.reactivated_customers,
    monthly.churned_customers,
    coalesce(billed.billed_revenue, 0) as billed_revenue,
    {{ ratio('monthly.churned_customers', 'nullif(monthly.paying_customers_start, 0)') }} as customer_churn_rate,
    {{ ratio('-(monthly.contraction_mrr + monthly.churned_mrr)', 'nullif(monthly.start_mrr, 0)') }} as revenue_churn_rate,
    {{ ratio('monthly.start_mrr + monthly.contraction_mrr + monthly.churned_mrr', 'nullif(monthly.start_mrr, 0)') }} as gross_revenue_retention,
    {{ ratio('monthly.start_mrr + monthly.expansion_mrr + monthly.reactivation_mrr + monthly.contraction_mrr + monthly.churned_mrr',
             'nullif(monthly.start_mrr, 0)') }} as net_revenue_retention
from monthly
left join billed on monthly.month_start = billed.month_start
