-- One row per customer with at least one staged order: the BG/NBD and Gamma-Gamma inputs.
with

orders as (
    select * from {{ ref('stg_billing__orders') }}
),

currency_rates as (
    select * from {{ ref('currency_rates') }}
),

clock as (
    select * from {{ ref('int_reporting_clock') }}
),

orders_in_usd as (
    select
        orders.customer_key,
        orders.order_id,
        orders.ordered_at,
        orders.amount * currency_rates.usd_per_unit as amount_usd,
        row_number() over (partition by orders.customer_key order by orders.ordered_at, orders.order_id) as order_number
    from orders
    inner join currency_rates on orders.currency = currency_rates.currency
    cross join clock
    where orders.ordered_at < clock.as_of_at
),

per_customer as (
    select
        customer_key,
        count(*) as order_count,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        sum(amount_usd) as total_spend_usd,
        sum(case when order_number > 1 then amount_usd end) as repeat_spend_usd
    from orders_in_usd
    group by customer_key
)

select
    per_customer.customer_key,
    per_customer.order_count,
    per_customer.order_count - 1 as frequency,
    {{ ratio(dbt.datediff('per_customer.first_order_at', 'per_customer.last_order_at', 'second'), '604800') }} as recency_weeks,
    {{ ratio(dbt.datediff('per_customer.first_order_at', 'clock.as_of_at', 'second'), '604800') }} as age_weeks,
    {{ ratio('per_customer.repeat_spend_usd', 'nullif(per_customer.order_count - 1, 0)') }} as mean_repeat_spend_usd,
    per_customer.total_spend_usd,
    per_customer.first_order_at,
    per_customer.last_order_at,
    clock.as_of_at
from per_customer
cross join clock
