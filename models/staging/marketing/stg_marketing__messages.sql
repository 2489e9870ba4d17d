-- One row per message sent (message_id).
select
    message_id,
    customer_id,
    {{ pseudonymous_key('customer_id') }} as customer_key,
    channel,
    campaign,
    message_type,
    sent_at,
    delivered_at,
    opened_at,
    clicked_at,
    converted_at,
    unsubscribed_at,
    is_bounced,
    load_id
from {{ ref('base_marketing__messages') }}
where row_disposition = 'staged'
