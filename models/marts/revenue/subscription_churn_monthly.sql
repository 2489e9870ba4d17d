-- One row per month and plan: paid periods that ended, how many churned, the renewal churn rate.
with

decisions as (
    select * from {{ ref('int_subscription_renewal_decisions') }}
)

select
    {{ dbt.date_trunc('month', 'decided_at') }} as month_start,
    plan_id,
    billing_interval,
    count(*) as renewal_decisions,
    count(case when is_churn then 1 end) as churned,
    {{ ratio('count(case when is_churn then 1 end)', 'count(*)') }} as churn_rate
from decisions
group by 1, 2, 3
