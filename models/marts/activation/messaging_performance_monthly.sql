-- One row per month of sending, channel, campaign and message type (triggered or broadcast):
-- the delivery funnel, its rates, and order revenue attributed to clicks.
with

messages as {{ not_materialized() }} (
    select * from {{ ref('stg_marketing__messages') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

-- Last-click attribution: an order belongs to the latest click of the customer in the window before it.
attributed_orders as (
    select message_id, sum(net_amount) as attributed_revenue, count(*) as attributed_orders
    from (
        select
            orders.order_id,
            orders.net_amount,
            messages.message_id,
            row_number() over (partition by orders.order_id order by messages.clicked_at desc, messages.message_id asc) as click_rank
        from orders
        inner join messages
            on orders.customer_key = messages.customer_key
            and orders.ordered_at >= messages.clicked_at
            and messages.clicked_at > {{ dbt.dateadd('day', -var('messaging_attribution_days'), 'orders.ordered_at') }}
    ) as candidates
    where click_rank = 1
    group by 1
)

select
    {{ dbt.date_trunc('month', 'messages.sent_at') }} as month_start,
    messages.channel,
    messages.campaign,
    messages.message_type,
    count(*) as sent,
    count(messages.delivered_at) as delivered,
    count(messages.opened_at) as opened,
    count(messages.clicked_at) as clicked,
    count(messages.converted_at) as converted,
    count(messages.unsubscribed_at) as unsubscribed,
    count(case when messages.is_bounced then 1 end) as bounced,
    {{ ratio('count(messages.delivered_at)', 'count(*)') }} as delivery_rate,
    {{ ratio('count(case when messages.is_bounced then 1 end)', 'count(*)') }} as bounce_rate,
    {{ ratio('count(messages.opened_at)', 'nullif(count(messages.delivered_at), 0)') }} as open_rate,
    {{ ratio('count(messages.clicked_at)', 'nullif(count(messages.delivered_at), 0)') }} as click_rate,
    {{ ratio('count(messages.converted_at)', 'nullif(count(messages.delivered_at), 0)') }} as conversion_rate,
    {{ ratio('count(messages.unsubscribed_at)', 'nullif(count(messages.delivered_at), 0)') }} as unsubscribe_rate,
    coalesce(sum(attributed_orders.attributed_orders), 0) as attributed_orders,
    coalesce(sum(attributed_orders.attributed_revenue), 0) as attributed_revenue
from messages
left join attributed_orders on messages.message_id = attributed_orders.message_id
group by 1, 2, 3, 4
