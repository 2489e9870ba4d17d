-- One row per paid period that ended before the as-of date: the subscriber renewed or churned.
-- decision_number counts the decisions within a lifecycle (1 = end of the first paid period).
with

states as (
    select * from {{ ref('int_subscription_states') }}
),

lifecycles as (
    select * from {{ ref('int_subscription_lifecycles') }}
),

decisions as (
    select
        subscription_id,
        lifecycle_number,
        customer_key,
        plan_id,
        billing_interval,
        valid_from as decided_at,
        change_type = 'canceled' as is_churn,
        row_number() over (partition by subscription_id, lifecycle_number order by valid_from) as decision_number
    from states
    where ends_paid_period
)

select
    decisions.subscription_id,
    decisions.lifecycle_number,
    decisions.decision_number,
    decisions.customer_key,
    lifecycles.initial_plan_id,
    decisions.plan_id,
    decisions.billing_interval,
    decisions.decided_at,
    decisions.is_churn
from decisions
inner join lifecycles
    on decisions.subscription_id = lifecycles.subscription_id
    and decisions.lifecycle_number = lifecycles.lifecycle_number
