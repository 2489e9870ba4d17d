{{ config(materialized='table') }}

-- One row per raw message row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('marketing', 'messages') }}
),

customers as (
    {{ known_customer_ids() }}
),

typed as (
    select
        nullif(trim(message_id), '') as message_id,
        nullif(trim(customer_id), '') as customer_id,
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
        is_bounced,
        {{ load_file_name('filename') }} as load_id
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.message_id is null then 'null_id'
            when typed.sent_at is null or typed.has_unparseable_outcome_time then 'unparseable_timestamp'
            when typed.sent_at > {{ future_cutoff() }} then 'future_timestamp'
            when typed.channel not in ('email', 'push', 'sms', 'in_app')
                or typed.message_type not in ('triggered', 'broadcast')
                then 'invalid_value'
            when customers.customer_id is null then 'orphan_customer'
        end as reason_code
    from typed
    left join customers
        on typed.customer_id = customers.customer_id
)

select
    *,
    {{ row_disposition('message_id', 'sent_at, load_id', is_erased('customer_id')) }} as row_disposition
from checked
