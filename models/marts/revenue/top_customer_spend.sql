-- One row per year: revenue per order of the top 10% and top 1% customers by order revenue
-- (net of refunds) in that year, as a multiple of everyone else's revenue per order.
with

orders as (
    select * from {{ ref('fct_orders') }}
),

customer_years as (
    select
        customer_key,
        {{ dbt.date_trunc('year', 'ordered_at') }} as year_start,
        sum(net_amount) as revenue,
        count(*) as orders
    from orders
    group by 1, 2
),

ranked as (
    select
        *,
        row_number() over (partition by year_start order by revenue desc, customer_key asc) as revenue_rank,
        count(*) over (partition by year_start) as customers
    from customer_years
),

grouped as (
    select
        year_start,
        max(customers) as customers,
        {{ ratio('sum(case when revenue_rank <= ceiling(customers * 0.10) then revenue end)',
                 'sum(case when revenue_rank <= ceiling(customers * 0.10) then orders end)') }} as top_10_percent_revenue_per_order,
        {{ ratio('sum(case when revenue_rank > ceiling(customers * 0.10) then revenue end)',
                 'sum(case when revenue_rank > ceiling(customers * 0.10) then orders end)') }} as other_90_percent_revenue_per_order,
        {{ ratio('sum(case when revenue_rank <= ceiling(customers * 0.01) then revenue end)',
                 'sum(case when revenue_rank <= ceiling(customers * 0.01) then orders end)') }} as top_1_percent_revenue_per_order,
        {{ ratio('sum(case when revenue_rank > ceiling(customers * 0.01) then revenue end)',
                 'sum(case when revenue_rank > ceiling(customers * 0.01) then orders end)') }} as other_99_percent_revenue_per_order
    from ranked
    group by 1
)

select
    year_start,
    customers,
    top_10_percent_revenue_per_order,
    other_90_percent_revenue_per_order,
    top_10_percent_revenue_per_order / nullif(other_90_percent_revenue_per_order, 0) as top_10_percent_multiple,
    top_1_percent_revenue_per_order,
    other_99_percent_revenue_per_order,
    top_1_percent_revenue_per_order / nullif(other_99_percent_revenue_per_order, 0) as top_1_percent_multiple
from grouped
