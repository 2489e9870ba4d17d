-- One row per customer who paid at least once (a subscription payment or an order): revenue to
-- date in the reporting currency and historical CLV.
with

orders as (
    select * from {{ ref('fct_orders') }}
),

states as (
    select * from {{ ref('int_subscription_states') }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
),

order_totals as (
    select
        customer_key,
        count(*) as orders,
        count(case when not is_refunded then 1 end) as kept_orders,
        sum(gross_amount) as order_revenue_gross,
        sum(gross_amount - net_amount) as refunds,
        sum(net_amount) as order_revenue_net,
        min(ordered_at) as first_order_at
    from orders
    group by customer_key
),

subscription_totals as (
    select
        customer_key,
        count(*) as subscription_payments,
        sum(billed_amount) as subscription_revenue,
        min(valid_from) as first_payment_at
    from states
    where is_payment
    group by customer_key
),

paying as (
    select customer_key from order_totals
    union
    select customer_key from subscription_totals
)

select
    paying.customer_key,
    customers.acquisition_channel,
    customers.country,
    coalesce(order_totals.orders, 0) as orders,
    coalesce(order_totals.kept_orders, 0) as kept_orders,
    coalesce(order_totals.order_revenue_gross, 0) as order_revenue_gross,
    coalesce(order_totals.refunds, 0) as refunds,
    coalesce(order_totals.order_revenue_net, 0) as order_revenue_net,
    coalesce(subscription_totals.subscription_payments, 0) as subscription_payments,
    coalesce(subscription_totals.subscription_revenue, 0) as subscription_revenue,
    coalesce(subscription_totals.subscription_revenue, 0) + coalesce(order_totals.order_revenue_net, 0) as historical_clv,
    {{ ratio('order_totals.order_revenue_net', 'nullif(order_totals.kept_orders, 0)') }} as average_order_value,
    case
        when subscription_totals.first_payment_at is null then order_totals.first_order_at
        when order_totals.first_order_at is null then subscription_totals.first_payment_at
        when order_totals.first_order_at < subscription_totals.first_payment_at then order_totals.first_order_at
        else subscription_totals.first_payment_at
    end as first_paid_at
from paying
left join order_totals on paying.customer_key = order_totals.customer_key
left join subscription_totals on paying.customer_key = subscription_totals.customer_key
left join customers on paying.customer_key = customers.customer_key
