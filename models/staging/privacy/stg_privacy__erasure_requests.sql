-- One row per customer who asked to be erased (their earliest request).
with

requests as (
    select * from {{ source('privacy', 'erasure_requests') }}
)

select
    {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
    min({{ parse_utc_timestamp('requested_at') }}) as requested_at,
    count(*) as requests
from requests
where nullif(trim(customer_id), '') is not null
group by 1
