-- One row per customer in an open trial that started at least 3 days ago with no key action
-- (feature_used or meeting_joined) in its first 3 days: nudge them to the product's core.
with

customers as (
    select * from {{ ref('dim_customers') }}
),

states as (
    select * from {{ ref('int_subscription_states') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

open_trials as (
    select customer_key, min(valid_from) as trial_started_at
    from states
    where status = 'trialing' and valid_to is null
    group by customer_key
),

key_actions as (
    select distinct open_trials.customer_key
    from open_trials
    inner join events
        on open_trials.customer_key = events.person_key
        and events.event_type in ('feature_used', 'meeting_joined')
        and open_trials.trial_started_at <= events.event_at
        and events.event_at < {{ dbt.dateadd('day', 3, 'open_trials.trial_started_at') }}
),

candidates as (
    select customers.*, open_trials.trial_started_at
    from customers
    inner join open_trials on customers.customer_key = open_trials.customer_key
    left join key_actions on customers.customer_key = key_actions.customer_key
    where key_actions.customer_key is null
        and open_trials.trial_started_at <= {{ dbt.dateadd('day', -3, 'customers.as_of_at') }}
)

select
    customer_key,
    {{ consented_channel(['in_app', 'email', 'push']) }} as channel,
    'trial started ' || cast(cast(trial_started_at as date) as {{ api.Column.translate_type('string') }})
        || ', no feature used or meeting joined in its first 3 days' as reason,
    trial_started_at,
    as_of_at
from candidates
where {{ consented_channel(['in_app', 'email', 'push']) }} is not null
