{{ config(materialized='table') }}

-- One row per raw customer-version row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('app', 'customers') }}
),

typed as (
    select
        nullif(trim(customer_id), '') as customer_id,
        email,
        full_name,
        {{ parse_utc_timestamp('created_at') }} as created_at,
        upper(country) as country,
        lower(acquisition_channel) as acquisition_channel,
        acquisition_campaign,
        nullif(trim(referred_by_customer_id), '') as referred_by_customer_id,
        consent_email,
        consent_push,
        consent_sms,
        consent_in_app,
        {{ parse_utc_timestamp('updated_at') }} as updated_at,
        updated_at as updated_at_text,
        {{ load_file_name('filename') }} as load_id
    from source
),

checked as (
    select
        *,
        case
            when customer_id is null then 'null_id'
            when created_at is null or updated_at is null then 'unparseable_timestamp'
            when updated_at > {{ future_cutoff() }} then 'future_timestamp'
        end as reason_code
    from typed
)

select
    *,
    {{ row_disposition('customer_id, updated_at', 'load_id', is_erased('customer_id')) }} as row_disposition
from checked
