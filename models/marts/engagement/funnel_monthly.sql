-- One row per month of first visit and first-touch channel: visitor -> signup -> trial -> paid,
-- with step conversion rates and median hours between steps.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
),

states as (
    select * from {{ ref('int_subscription_states') }}
),

first_visits as (
    select person_key, session_start as first_visit_at, channel_group
    from (
        select
            person_key,
            session_start,
            channel_group,
            row_number() over (partition by person_key order by session_start, session_id) as visit_number
        from sessions
    ) as numbered
    where visit_number = 1
),

first_trials as (
    select customer_key, min(valid_from) as trial_started_at
    from states
    where change_type = 'created' and status = 'trialing'
    group by customer_key
),

first_payments as (
    select customer_key, min(valid_from) as first_paid_at
    from states
    where is_payment
    group by customer_key
),

journeys as (
    select
        {{ dbt.date_trunc('month', 'first_visits.first_visit_at') }} as month_start,
        first_visits.channel_group,
        first_visits.first_visit_at,
        customers.created_at as signed_up_at,
        first_trials.trial_started_at,
        first_payments.first_paid_at
    from first_visits
    left join customers on first_visits.person_key = customers.customer_key
    left join first_trials on first_visits.person_key = first_trials.customer_key
    left join first_payments on first_visits.person_key = first_payments.customer_key
)

select
    month_start,
    channel_group,
    count(*) as visitors,
    count(signed_up_at) as signups,
    count(trial_started_at) as trials,
    count(first_paid_at) as paying_customers,
    {{ ratio('count(signed_up_at)', 'count(*)') }} as visitor_to_signup_rate,
    {{ ratio('count(trial_started_at)', 'nullif(count(signed_up_at), 0)') }} as signup_to_trial_rate,
    {{ ratio('count(case when trial_started_at is not null and first_paid_at is not null then 1 end)',
             'nullif(count(trial_started_at), 0)') }} as trial_to_paid_rate,
    {{ ratio('count(first_paid_at)', 'nullif(count(signed_up_at), 0)') }} as signup_to_paid_rate,
    {{ median(ratio(dbt.datediff('first_visit_at', 'signed_up_at', 'second'), '3600')) }} as median_hours_visit_to_signup,
    {{ median(ratio(dbt.datediff('signed_up_at', 'trial_started_at', 'second'), '3600')) }} as median_hours_signup_to_trial,
    {{ median(ratio(dbt.datediff('trial_started_at', 'first_paid_at', 'second'), '3600')) }} as median_hours_trial_to_paid
from journeys
group by month_start, channel_group
