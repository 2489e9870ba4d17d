{{ config(materialized='table') }}

-- One row per raw message row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('marketing', 'messages') }}
),

customers as (
    {{ known_customer_keys() }}
),

typed as (
    select
        nullif(trim(message_id), '') as message_id,
        nullif(trim(customer_id), '') as customer_id,
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        lower(trim(channel)) as channel,
        campaign,
        lower(trim(message_type)) as message_type,
        {{ parse_utc_timestamp('sent_at') }} as sent_at,
        sent_at as sent_at_text,
        {{ parse_utc_timestamp('delivered_at') }} as delivered_at,
        {{ parse_utc_timestamp('opened_at') }} as opened_at,
        {{ parse_utc_timestamp('clicked_at') }} as clicked_at,
        {{ parse_utc_timestamp('converted_at') }} as converted_at,
        {{ parse_utc_timestamp('unsubscribed_at') }} as unsubscribed_at,
        delivered_at is not null and {{ parse_utc_timestamp('delivered_at') }} is null
            or opened_at is not null and {{ parse_utc_timestamp('opened_at') }} is null
            or clicked_at is not null and {{ parse_utc_timestamp('clicked_at') }} is null
            or converted_at is not null and {{ parse_utc_timestamp('converted_at') }} is null
            or unsubscribed_at is not null and {{ parse_utc_timestamp('unsubscribed_at') }} is null
            as has_unparseable_outcome_time,
        {{ safe_cast('is_bounced', api.Column.translate_type('boolean')) }} as is_bounced,
        is_bounced is not null and {{ safe_cast('is_bounced', api.Column.translate_type('boolean')) }} is null as has_invalid_bounce_flag,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.message_id is null then 'null_id'
            when typed.has_unparseable_outcome_time then 'unparseable_timestamp'
            {{ timestamp_checks('typed.sent_at') }}
            when typed.channel not in ('email', 'push', 'sms', 'in_app')
                or typed.message_type not in ('triggered', 'broadcast')
                or typed.has_invalid_bounce_flag
                then 'invalid_value'
            when customers.customer_key is null then 'orphan_customer'
        end as reason_code
    from typed
    left join customers
        on typed.customer_key = customers.customer_key
),

dispositioned as (
    select
        *,
        {{ is_erased('customer_key') }} as is_erased_customer
    from checked
)

select
    {{ star_without_erased_personal_data(['customer_id']) }},
    {{ row_disposition('message_id', 'sent_at, load_id, load_row_number', 'is_erased_customer') }} as row_disposition
from dispositioned
