-- One row per channel, campaign and day (spend_date, channel, campaign).
select
    spend_date,
    channel,
    campaign,
    amount,
    currency,
    load_id
from {{ ref('base_marketing__marketing_spend') }}
where row_disposition = 'staged'
