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
        {{ dbt.safe_cast('spend_date', api.Column.translate_type('date')) }} as spend_date,
        spend_date as spend_date_text,
        nullif(lower(trim(channel)), '') as channel,
        nullif(trim(campaign), '') as campaign,
        cast(amount as decimal(18, 2)) as amount,
        upper(trim(currency)) as currency,
        {{ load_file_name('filename') }} as load_id
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.channel is null or typed.campaign is null then 'null_id'
            when typed.spend_date is null then 'unparseable_timestamp'
            when typed.spend_date > {{ future_cutoff() }} then 'future_timestamp'
            when typed.amount is null or typed.amount < 0 then 'invalid_amount'
            when currencies.currency is null then 'unknown_currency'
        end as reason_code
    from typed
    left join currencies
        on typed.currency = currencies.currency
)

select
    *,
    {{ row_disposition('spend_date, channel, campaign', 'load_id') }} as row_disposition
from checked
