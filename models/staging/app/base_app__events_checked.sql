{{ config(materialized='ephemeral') }}

-- One row per raw event row, typed, with the first failed check as reason_code (shared by
-- base_app__events and base_app__events_later_copies; ephemeral, so each reads only the columns it needs).
with source as (
    select * from {{ source('app', 'events') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

customers as (
    {{ known_customer_keys() }}
),

typed as (
    select
        nullif(trim(event_id), '') as event_id,
        nullif(trim(anonymous_id), '') as anonymous_id,
        nullif(trim(customer_id), '') as customer_id,
        -- Hashed once here: every reader of stg_app__events (a view) would otherwise hash 100M+ ids again.
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        lower(trim(event_type)) as event_type,
        {{ parse_utc_timestamp('client_timestamp') }} as event_at,
        client_timestamp as client_timestamp_text,
        -- Without a collector time (an export that has none) the client time stands in.
        coalesce({{ parse_utc_timestamp('received_at') }}, {{ parse_utc_timestamp('client_timestamp') }}) as received_at,
        received_at is not null and {{ parse_utc_timestamp('received_at') }} is null as has_unparseable_received_at,
        {{ without_personal_url_parameters('page') }} as page,
        {{ without_personal_url_parameters('referrer') }} as referrer,
        lower(utm_source) as utm_source,
        lower(utm_medium) as utm_medium,
        utm_campaign,
        lower(platform) as platform,
        lower(device_type) as device_type,
        upper(country) as country,
        ip_address,
        properties,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.event_id is null or typed.anonymous_id is null then 'null_id'
            {{ timestamp_checks('typed.event_at', 'typed.received_at') }}
            when typed.has_unparseable_received_at then 'unparseable_timestamp'
            when event_types.event_type is null then 'unknown_event_type'
            -- No properties (null) is fine; text must be strict JSON.
            when typed.properties is not null and not {{ is_valid_json('typed.properties') }} then 'malformed_json'
            when typed.customer_id is not null and customers.customer_key is null then 'orphan_customer'
        end as reason_code
    from typed
    left join event_types
        on typed.event_type = event_types.event_type
    left join customers
        on typed.customer_key = customers.customer_key
)

select * from checked
