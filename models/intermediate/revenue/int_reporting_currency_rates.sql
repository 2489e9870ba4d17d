-- One row per currency: units of the reporting currency (reporting_settings) per unit.
with

currency_rates as (
    select * from {{ ref('currency_rates') }}
),

reporting_settings as (
    select * from {{ ref('reporting_settings') }}
),

reporting_currency as (
    select currency_rates.usd_per_unit
    from currency_rates
    inner join reporting_settings
        on reporting_settings.setting = 'reporting_currency'
        and currency_rates.currency = reporting_settings.value
)

select
    currency_rates.currency,
    -- a decimal, so money converted with it sums exactly (float sums differ in the last digit run to run)
    cast(currency_rates.usd_per_unit / reporting_currency.usd_per_unit as decimal(18, 8)) as reporting_per_unit
from currency_rates
cross join reporting_currency
