-- One row per month and reach group (customers reached on one channel, or on two or more):
-- customers reached (a delivered message) and the share who converted from a message that month.
with

messages as (
    select * from {{ ref('stg_marketing__messages') }}
),

customer_months as (
    select
        {{ dbt.date_trunc('month', 'sent_at') }} as month_start,
        customer_key,
        count(distinct channel) as channels_reached,
        {{ dbt.bool_or('converted_at is not null') }} as converted
    from messages
    where delivered_at is not null
    group by 1, 2
)

select
    month_start,
    case when channels_reached >= 2 then 'two_or_more_channels' else 'one_channel' end as reach_group,
    count(*) as customers_reached,
    count(case when converted then 1 end) as customers_converted,
    {{ ratio('count(case when converted then 1 end)', 'count(*)') }} as customer_conversion_rate
from customer_months
group by 1, 2
