-- One row per promoter (latest NPS 9-10) who has neither sent a referral nor written a review: ask them.
with

customers as (
    select * from {{ ref('dim_customers') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

already_advocated as (
    select distinct person_key as customer_key
    from events
    where event_type in ('referral_sent', 'review_submitted')
)

select
    customers.customer_key,
    {{ consented_channel(['email', 'in_app', 'push']) }} as channel,
    'promoter (NPS ' || cast(customers.latest_nps_score as {{ api.Column.translate_type('string') }})
        || ') with no referral or review yet' as reason,
    customers.latest_nps_score,
    customers.as_of_at
from customers
left join already_advocated on customers.customer_key = already_advocated.customer_key
where customers.latest_nps_category = 'promoter'
    and already_advocated.customer_key is null
    and {{ consented_channel(['email', 'in_app', 'push']) }} is not null
