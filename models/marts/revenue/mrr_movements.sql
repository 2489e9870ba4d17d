-- One row per customer and month: MRR at the start and end of the month and the movement between.
with

monthly as (
    select * from {{ ref('int_customer_mrr_monthly') }}
),

with_history as (
    select
        customer_key,
        month_start,
        coalesce(lag(mrr) over (partition by customer_key order by month_start), 0) as start_mrr,
        mrr as end_mrr,
        coalesce(lag(plan_id) over (partition by customer_key order by month_start), 'none') as start_plan_id,
        plan_id as end_plan_id,
        coalesce(max(mrr) over (
            partition by customer_key order by month_start
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_peak_mrr
    from monthly
),

classified as (
    select
        *,
        -- Churn and reactivation first, so a cancel or a comeback is never read as a plan change.
        case
            when start_mrr = 0 and end_mrr > 0 and earlier_peak_mrr = 0 then 'new'
            when start_mrr = 0 and end_mrr > 0 then 'reactivation'
            when start_mrr > 0 and end_mrr = 0 then 'churn'
            when end_mrr > start_mrr then 'expansion'
            when end_mrr < start_mrr then 'contraction'
            else 'none'
        end as movement
    from with_history
)

select
    customer_key,
    month_start,
    start_plan_id,
    end_plan_id,
    start_mrr,
    movement,
    case when movement = 'new' then end_mrr - start_mrr else 0 end as new_mrr,
    case when movement = 'expansion' then end_mrr - start_mrr else 0 end as expansion_mrr,
    case when movement = 'reactivation' then end_mrr - start_mrr else 0 end as reactivation_mrr,
    case when movement = 'contraction' then end_mrr - start_mrr else 0 end as contraction_mrr,
    case when movement = 'churn' then end_mrr - start_mrr else 0 end as churned_mrr,
    end_mrr
from classified
