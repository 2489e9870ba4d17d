-- One row per customer with an order or an active subscription: predicted value and risk.
with

predictions as (
    select * from {{ source('statistics', 'customer_clv_predictions') }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
),

ranked as (
    select
        predictions.*,
        percent_rank() over (order by predictions.predictive_clv_usd desc) as value_rank_share
    from predictions
)

select
    ranked.customer_key,
    customers.country,
    customers.acquisition_channel,
    ranked.frequency,
    ranked.recency_weeks,
    ranked.age_weeks,
    ranked.p_alive,
    ranked.expected_purchases,
    ranked.expected_order_value_usd,
    ranked.order_clv_usd,
    ranked.subscription_clv_usd,
    ranked.predictive_clv_usd,
    case
        when ranked.value_rank_share <= 0.1 then 'top_10_percent'
        when ranked.value_rank_share <= 0.5 then 'upper_half'
        else 'lower_half'
    end as value_segment,
    -- A repeat buyer the purchase model thinks has probably stopped, with no subscription holding them.
    coalesce(ranked.frequency > 0 and ranked.p_alive < 0.5 and ranked.subscription_clv_usd is null, false) as is_at_risk,
    ranked.as_of_at
from ranked
left join customers on ranked.customer_key = customers.customer_key
