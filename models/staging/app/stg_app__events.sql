-- One row per event (event_id), deduplicated to the earliest received copy, in UTC.
select
    event_id,
    anonymous_id,
    customer_id,
    customer_key,
    event_type,
    event_at,
    received_at,
    page,
    referrer,
    utm_source,
    utm_medium,
    utm_campaign,
    platform,
    device_type,
    country,
    ip_address,
    properties,
    load_id
from {{ ref('base_app__events') }}
where row_disposition = 'staged'
