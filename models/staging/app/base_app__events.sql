{{ config(materialized='table') }}

-- One row per raw event row, typed, with the first failed check as reason_code and its disposition.
with source as (
    select * from {{ source('app', 'events') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

customers as (
    {{ known_customer_ids() }}
),

typed as (
    select
        nullif(trim(event_id), '') as event_id,
        nullif(trim(anonymous_id), '') as anonymous_id,
        nullif(trim(customer_id), '') as customer_id,
        lower(trim(event_type)) as event_type,
        {{ parse_utc_timestamp('client_timestamp') }} as event_at,
        client_timestamp as client_timestamp_text,
        cast(received_at as timestamp) as received_at,
        page,
        referrer,
        lower(utm_source) as utm_source,
        lower(utm_medium) as utm_medium,
        utm_campaign,
        lower(platform) as platform,
        lower(device_type) as device_type,
        upper(country) as country,
        ip_address,
        properties,
        {{ load_file_name('filename') }} as load_id,
        file_row_number as load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.event_id is null or typed.anonymous_id is null then 'null_id'
            when typed.event_at is null then 'unparseable_timestamp'
            when typed.event_at > {{ future_cutoff('typed.received_at') }} then 'future_timestamp'
            when event_types.event_type is null then 'unknown_event_type'
            when not {{ is_valid_json('typed.properties') }} then 'malformed_json'
            when typed.customer_id is not null and customers.customer_id is null then 'orphan_customer'
        end as reason_code
    from typed
    left join event_types
        on typed.event_type = event_types.event_type
    left join customers
        on typed.customer_id = customers.customer_id
),

-- Copies after the first of each event id, ranked on key columns only: a window over whole rows
-- sorts (and at 100M+ rows spills) every column, which made this model five times slower.
later_copies as (
    select load_id, load_row_number
    from (
        select
            load_id,
            load_row_number,
            row_number() over (partition by event_id order by received_at, load_id, load_row_number) as copy_number
        from checked
        where reason_code is null
    ) ranked
    where copy_number > 1
)

select
    checked.*,
    {{ row_disposition('event_id', 'received_at, load_id', is_erased('customer_id'), 'later_copies.load_id is not null') }} as row_disposition
from checked
left join later_copies
    on checked.load_id = later_copies.load_id
    and checked.load_row_number = later_copies.load_row_number
