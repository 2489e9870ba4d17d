-- One row per customer version (customer_id, updated_at), with its validity interval.
with versions as (
    select * from {{ ref('base_app__customers') }}
    where row_disposition = 'staged'
),

dated as (
    select
        customer_id,
        customer_key,
        email,
        full_name,
        created_at,
        country,
        acquisition_channel,
        acquisition_campaign,
        referred_by_customer_id,
        consent_email,
        consent_push,
        consent_sms,
        consent_in_app,
        updated_at as valid_from,
        lead(updated_at) over (partition by customer_id order by updated_at) as valid_to,
        load_id
    from versions
)

select
    *,
    valid_to is null as is_current
from dated
