-- One row per subscription lifecycle that reached a paid period (a lifecycle ends at a cancel;
-- a reactivation starts the next one): paid renewals, churn, and the plans at start and now.
with

states as (
    select * from {{ ref('int_subscription_states') }}
),

classified as (
    select
        *,
        -- The first paid period starts at a paid creation, at a trial's conversion (recorded as
        -- "renewed" after a trialing row) or at a reactivation.
        (change_type = 'created' and status = 'active')
        or (change_type = 'renewed' and previous_status = 'trialing')
        or change_type = 'reactivated' as starts_paid_period,
        change_type = 'renewed' and previous_status = 'active' as is_paid_renewal
    from states
),

lifecycles as (
    select
        subscription_id,
        lifecycle_number,
        min(customer_key) as customer_key,
        min(case when starts_paid_period then valid_from end) as paid_started_at,
        cast(sum(case when is_paid_renewal then 1 else 0 end) as {{ dbt.type_int() }}) as paid_renewals,
        min(case when change_type = 'canceled' then valid_from end) as canceled_at
    from classified
    group by subscription_id, lifecycle_number
),

plan_at_start as (
    select subscription_id, lifecycle_number, plan_id
    from classified
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
        from classified
        where change_type <> 'canceled'
    ) ranked
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
