{{ config(materialized='table') }}

-- One row per raw order row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('billing', 'orders') }}
),

currencies as (
    select * from {{ ref('currency_rates') }}
),

customers as (
    {{ known_customer_keys() }}
),

typed as (
    select
        {{ without_contact_data_id("nullif(trim(order_id), '')") }} as order_id,
        nullif(trim(customer_id), '') as customer_id,
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        {{ parse_utc_timestamp('ordered_at') }} as ordered_at,
        ordered_at as ordered_at_text,
        {{ safe_cast('amount', 'decimal(18, 2)') }} as amount,
        upper(trim(currency)) as currency,
        lower(trim(status)) as status,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.order_id is null then 'null_id'
            {{ timestamp_checks('typed.ordered_at') }}
            when typed.amount is null or typed.amount <= 0 then 'invalid_amount'
            when currencies.currency is null then 'unknown_currency'
            when typed.status not in ('paid', 'refunded') then 'invalid_value'
            when customers.customer_key is null then 'orphan_customer'
        end as reason_code
    from typed
    left join currencies
        on typed.currency = currencies.currency
    left join customers
        on typed.customer_key = customers.customer_key
)

{{ select_with_disposition('checked', 'order_id', ['customer_id']) }}
