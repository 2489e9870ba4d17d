{{
    config(
        materialized='incremental',
        unique_key='customer_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        full_refresh=false
    )
}}
-- One row per customer who ever asked to be erased: the requests of the landing folder and, in an incremental run,
-- every customer recorded before. An erasure is permanent: neither a request file removed from the landing folder
-- nor a full refresh (full_refresh=false: --full-refresh keeps this table) brings the customer back. A request file
-- the preflight cannot read stops the build (engagement_warehouse/landing/preflight.py, require_readable_files).
with

requests as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

landed as (
    select
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        min({{ parse_utc_timestamp('requested_at') }}) as requested_at,
        count(*) as requests
    from requests
    where nullif(trim(customer_id), '') is not null
    group by 1
){% if is_incremental() %},

recorded as (
    select customer_key, requested_at from {{ this }}
)

-- Customers recorded before and not in this landing keep their row (delete+insert replaces the landed keys only).
select
    landed.customer_key,
    least(landed.requested_at, recorded.requested_at) as requested_at,
    landed.requests
from landed
left join recorded on landed.customer_key = recorded.customer_key
{% else %}

select customer_key, requested_at, requests
from landed
{% endif %}
