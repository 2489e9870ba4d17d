-- One row per month of trial start: trials started, converted to paid, expired, still open.
with

states as (
    select * from {{ ref('int_subscription_states') }}
),

trials as (
    select subscription_id, lifecycle_number, valid_from as trial_started_at
    from states
    where change_type = 'created' and status = 'trialing'
),

outcomes as (
    select
        subscription_id,
        lifecycle_number,
        {{ dbt.bool_or("previous_status = 'trialing' and change_type = 'renewed'") }} as converted,
        {{ dbt.bool_or("previous_status = 'trialing' and change_type = 'canceled'") }} as expired
    from states
    group by 1, 2
)

select
    {{ dbt.date_trunc('month', 'trials.trial_started_at') }} as month_start,
    count(*) as trials_started,
    count(case when outcomes.converted then 1 end) as trials_converted,
    count(case when outcomes.expired then 1 end) as trials_expired,
    count(case when not outcomes.converted and not outcomes.expired then 1 end) as trials_open,
    -- Of the trials already decided; open trials would bias the rate of recent months down.
    {{ ratio('count(case when outcomes.converted then 1 end)',
             'nullif(count(case when outcomes.converted or outcomes.expired then 1 end), 0)') }} as trial_conversion_rate
from trials
inner join outcomes
    on trials.subscription_id = outcomes.subscription_id
    and trials.lifecycle_number = outcomes.lifecycle_number
group by 1
