-- One row per detractor (latest NPS 0-6) who answered in the last 30 days: a person should follow up.
with

customers as (
    select * from {{ ref('dim_customers') }}
),

answers as (
    select * from {{ ref('int_survey_answers') }}
),

recent_detractors as (
    select customer_key, max(responded_at) as answered_at
    from answers
    where survey_type = 'nps'
    group by customer_key
)

select
    customers.customer_key,
    {{ consented_channel(['email', 'sms', 'in_app']) }} as channel,
    'detractor (NPS ' || cast(customers.latest_nps_score as {{ api.Column.translate_type('string') }})
        || ') in the last 30 days' as reason,
    customers.latest_nps_score,
    recent_detractors.answered_at,
    customers.as_of_at
from customers
inner join recent_detractors on customers.customer_key = recent_detractors.customer_key
where customers.latest_nps_category = 'detractor'
    and recent_detractors.answered_at >= {{ dbt.dateadd('day', -30, 'customers.as_of_at') }}
    and {{ consented_channel(['email', 'sms', 'in_app']) }} is not null
