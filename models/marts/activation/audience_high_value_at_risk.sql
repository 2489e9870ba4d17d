-- One row per high-value customer (top half by predictive CLV) whose P(alive) fell below 0.5 or
-- whose active days in the last 30 halved against the 30 before: win them back before they go.
with

customers as (
    select * from {{ ref('dim_customers') }}
),

candidates as (
    select *
    from customers
    where value_segment in ('top_10_percent', 'upper_half')
        and (p_alive < 0.5 or (active_days_previous_30 >= 4 and active_days_last_30 * 2 <= active_days_previous_30))
)

select
    customer_key,
    {{ consented_channel(['email', 'push', 'in_app', 'sms']) }} as channel,
    case
        when p_alive < 0.5 then 'high predicted value, P(alive) below 0.5'
        else 'high predicted value, active days halved in the last 30'
    end as reason,
    predictive_clv,
    p_alive,
    active_days_last_30,
    active_days_previous_30,
    as_of_at
from candidates
where {{ consented_channel(['email', 'push', 'in_app', 'sms']) }} is not null
