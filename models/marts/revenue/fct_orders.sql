-- One row per staged order: amount in the reporting currency, gross and net of refunds.
with

orders as (
    select * from {{ ref('stg_billing__orders') }}
),

rates as (
    select * from {{ ref('int_reporting_currency_rates') }}
)

select
    orders.order_id,
    orders.customer_key,
    orders.ordered_at,
    orders.status,
    orders.is_refunded,
    orders.currency,
    orders.amount as amount_local,
    cast({{ converted_amount('orders.amount', 'rates.reporting_per_unit') }} as {{ dbt.type_numeric() }}) as gross_amount,
    -- A refund returns the whole order (the source has no partial refunds).
    cast(case when orders.is_refunded then 0 else {{ converted_amount('orders.amount', 'rates.reporting_per_unit') }} end as {{ dbt.type_numeric() }}) as net_amount
from orders
inner join rates on orders.currency = rates.currency
