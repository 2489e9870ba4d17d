-- One row per acquisition cohort (month of a customer's first MRR) and month: the cohort's MRR
-- bridge, month-over-month GRR and NRR, and MRR as a share of the cohort's first-month MRR.
with

movements as (
    select * from {{ ref('mrr_movements') }}
),

cohort_of_customer as (
    select customer_key, month_start as cohort_month
    from movements
    where movement = 'new'
),

cohort_months as (
    select
        cohort_of_customer.cohort_month,
        movements.month_start,
        count(distinct movements.customer_key) as customers,
        count(case when movements.end_mrr > 0 then 1 end) as paying_customers,
        sum(movements.start_mrr) as start_mrr,
        sum(movements.expansion_mrr) as expansion_mrr,
        sum(movements.reactivation_mrr) as reactivation_mrr,
        sum(movements.contraction_mrr) as contraction_mrr,
        sum(movements.churned_mrr) as churned_mrr,
        sum(movements.end_mrr) as end_mrr
    from movements
    inner join cohort_of_customer on movements.customer_key = cohort_of_customer.customer_key
    where movements.month_start >= cohort_of_customer.cohort_month
    group by cohort_of_customer.cohort_month, movements.month_start
)

select
    cohort_month,
    month_start,
    {{ dbt.datediff('cohort_month', 'month_start', 'month') }} as months_since_cohort,
    customers,
    paying_customers,
    start_mrr,
    expansion_mrr,
    reactivation_mrr,
    contraction_mrr,
    churned_mrr,
    end_mrr,
    {{ ratio('start_mrr + contraction_mrr + churned_mrr', 'nullif(start_mrr, 0)') }} as gross_revenue_retention,
    {{ ratio('start_mrr + expansion_mrr + reactivation_mrr + contraction_mrr + churned_mrr', 'nullif(start_mrr, 0)') }} as net_revenue_retention,
    {{ ratio('end_mrr', 'nullif(first_value(end_mrr) over (partition by cohort_month order by month_start), 0)') }} as mrr_share_of_first_month
from cohort_months
