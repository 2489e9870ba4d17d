{{ config(materialized='table') }}

-- One row per raw spend row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('marketing', 'marketing_spend') }}
),

currencies as (
    select * from {{ ref('currency_rates') }}
),

typed as (
    select
        {{ safe_cast('spend_date', api.Column.translate_type('date')) }} as spend_date,
        spend_date as spend_date_text,
        nullif(lower(trim(channel)), '') as channel,
        nullif(trim(campaign), '') as campaign,
        {{ safe_cast('amount', 'decimal(18, 2)') }} as amount,
        upper(trim(currency)) as currency,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.channel is null or typed.campaign is null then 'null_id'
            {{ timestamp_checks('typed.spend_date') }}
            when typed.amount is null or typed.amount < 0 then 'invalid_amount'
            when currencies.currency is null then 'unknown_currency'
        end as reason_code
    from typed
    left join currencies
        on typed.currency = currencies.currency
),

dispositioned as (
    select
        *,
        {{ row_disposition('spend_date, channel, campaign', 'load_id, load_row_number') }} as row_disposition
    from checked
)

-- Copies are ranked on the labels as landed; only then does contact data in a label become `[contact data]` (two
-- campaigns that both named a person are two rows, not a row and its duplicate).
select
    spend_date,
    spend_date_text,
    {{ without_contact_data_label('channel') }} as channel,
    {{ without_contact_data_label('campaign') }} as campaign,
    amount,
    currency,
    load_id,
    load_row_number,
    reason_code,
    row_disposition
from dispositioned
