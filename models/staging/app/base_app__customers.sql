{{ config(materialized='table') }}

-- One row per raw customer-version row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('app', 'customers') }}
),

typed as (
    select
        nullif(trim(customer_id), '') as customer_id,
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        email,
        full_name,
        {{ parse_utc_timestamp('created_at') }} as created_at,
        {{ without_contact_data_label('upper(country)') }} as country,
        {{ without_contact_data_label('lower(acquisition_channel)') }} as acquisition_channel,
        {{ without_contact_data_label('acquisition_campaign') }} as acquisition_campaign,
        -- A referrer who asked to be erased leaves no id behind in anybody's row.
        case
            when {{ is_erased(pseudonymous_key("nullif(trim(referred_by_customer_id), '')")) }} then null
            else nullif(trim(referred_by_customer_id), '')
        end as referred_by_customer_id,
        {%- for channel in ['email', 'push', 'sms', 'in_app'] %}
        {{ safe_cast('consent_' ~ channel, api.Column.translate_type('boolean')) }} as consent_{{ channel }},
        {%- endfor %}
        {%- for channel in ['email', 'push', 'sms', 'in_app'] %}
        consent_{{ channel }} is not null and {{ safe_cast('consent_' ~ channel, api.Column.translate_type('boolean')) }} is null
            {%- if not loop.last %} or{% endif %}
        {%- endfor %}
            as has_invalid_consent,
        -- An export without versions (no updated_at column, an optional one, or no value in it): one version, from
        -- created_at. Text that does not parse is still unparseable_timestamp.
        case
            when updated_at is null then {{ parse_utc_timestamp('created_at') }}
            else {{ parse_utc_timestamp('updated_at') }}
        end as updated_at,
        updated_at as updated_at_text,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        *,
        case
            when customer_id is null then 'null_id'
            {{ timestamp_checks('created_at') }}
            {{ timestamp_checks('updated_at') }}
            when has_invalid_consent then 'invalid_value'
        end as reason_code
    from typed
),

-- A broken copy of an erased customer's row (e.g. its id lost) still carries their e-mail: scrub it too.
erased_emails as (
    select distinct email
    from checked
    where {{ is_erased('customer_key') }} and email is not null
),

dispositioned as (
    select
        *,
        {{ is_erased('customer_key') }} as is_erased_key,
        {{ is_erased('customer_key') }} or email in (select erased_emails.email from erased_emails) as is_erased_customer
    from checked
)

select
    {{ star_without_erased_personal_data(['customer_id', 'email', 'full_name'], ['is_erased_key', 'is_erased_customer']) }},
    -- Of the copies of a version the first load wins; of the rows of an export without versions (no updated_at) the
    -- last load does, so a daily re-export's changes, such as a withdrawn consent, are the customer's.
    {{ row_disposition('customer_id, updated_at',
                       'case when updated_at_text is null then load_id end desc nulls last, load_id, load_row_number',
                       'is_erased_key') }} as row_disposition
from dispositioned
