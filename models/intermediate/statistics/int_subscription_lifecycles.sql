-- One row per subscription lifecycle that reached a paid period (a lifecycle ends at a cancel;
-- a reactivation starts the next one): paid renewals, churn, and the plans at start and now.
with

states as (
    select * from {{ ref('int_subscription_states') }}
),

lifecycles as (
    select
        subscription_id,
        lifecycle_number,
        min(customer_key) as customer_key,
        min(case when starts_paid_period then valid_from end) as paid_started_at,
        cast(sum(case when ends_paid_period and change_type = 'renewed' then 1 else 0 end) as {{ dbt.type_int() }}) as paid_renewals,
        min(case when change_type = 'canceled' then valid_from end) as canceled_at
    from states
    group by subscription_id, lifecycle_number
),

plan_at_start as (
    select subscription_id, lifecycle_number, plan_id
    from states
    where starts_paid_period
),

latest_plan as (
    select subscription_id, lifecycle_number, plan_id
    from (
        select
            subscription_id,
            lifecycle_number,
            plan_id,
            row_number() over (partition by subscription_id, lifecycle_number order by valid_from desc) as recency_rank
        from states
        where change_type <> 'canceled'
    ) as ranked
    where recency_rank = 1
)

select
    lifecycles.subscription_id,
    lifecycles.lifecycle_number,
    lifecycles.customer_key,
    plan_at_start.plan_id as initial_plan_id,
    latest_plan.plan_id as current_plan_id,
    lifecycles.paid_started_at,
    lifecycles.paid_renewals,
    lifecycles.canceled_at is not null as has_churned,
    -- sBG duration: churned in period renewals + 1, or still active after `renewals` periods.
    lifecycles.paid_renewals + case when lifecycles.canceled_at is not null then 1 else 0 end as observed_periods,
    lifecycles.canceled_at
from lifecycles
inner join plan_at_start
    on lifecycles.subscription_id = plan_at_start.subscription_id
    and lifecycles.lifecycle_number = plan_at_start.lifecycle_number
inner join latest_plan
    on lifecycles.subscription_id = latest_plan.subscription_id
    and lifecycles.lifecycle_number = latest_plan.lifecycle_number
where lifecycles.paid_started_at is not null
