-- One row per customer: the latest version, plus signup time from the earliest.
with versions as (
    select * from {{ ref('base_app__customers') }}
    where row_disposition = 'staged'
),

latest as (
    select
        *,
        row_number() over (partition by customer_id order by updated_at desc) as recency_rank,
        min(created_at) over (partition by customer_id) as first_created_at,
        count(*) over (partition by customer_id) as version_count
    from versions
)

select
    customer_id,
    customer_key,
    email,
    full_name,
    first_created_at as created_at,
    country,
    acquisition_channel,
    acquisition_campaign,
    -- (base_app__customers already dropped a referrer who asked to be erased)
    referred_by_customer_id,
    {{ pseudonymous_key('referred_by_customer_id') }} as referred_by_customer_key,
    consent_email,
    consent_push,
    consent_sms,
    consent_in_app,
    updated_at,
    version_count
from latest
where recency_rank = 1
