-- One row per customer version (SCD type 2): country, acquisition and consent as they changed, no PII.
with

versions as (
    select * from {{ ref('stg_app__customer_versions') }}
)

select
    customer_key,
    valid_from,
    valid_to,
    is_current,
    country,
    acquisition_channel,
    acquisition_campaign,
    consent_email,
    consent_push,
    consent_sms,
    consent_in_app
from versions
