-- One row per paying customer (MRR > 0) with no activity in the last 30 days: paying but not using.
with

customers as (
    select * from {{ ref('dim_customers') }}
)

select
    customer_key,
    {{ consented_channel(['email', 'push', 'sms']) }} as channel,
    'paying ' || cast(round(current_mrr, 2) as {{ api.Column.translate_type('string') }})
        || ' a month, inactive for 30+ days' as reason,
    current_mrr,
    last_active_date,
    as_of_at
from customers
where current_mrr > 0
    and (last_active_date is null or days_since_last_active >= 30)
    and {{ consented_channel(['email', 'push', 'sms']) }} is not null
