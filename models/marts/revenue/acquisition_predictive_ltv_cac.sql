-- One row per acquisition channel and month: acquisition_cac with a predictive LTV — revenue to
-- date plus the predicted future value (statistics.customer_clv_predictions) of the new customers.
with

acquisition as (
    select * from {{ ref('acquisition_cac') }}
),

customer_revenue as (
    select * from {{ ref('customer_revenue') }}
),

predicted as (
    select * from {{ ref('customer_predicted_value') }}
),

predictive_ltv as (
    select
        customer_revenue.acquisition_channel,
        {{ dbt.date_trunc('month', 'customer_revenue.first_paid_at') }} as month_start,
        {{ exact_avg('customer_revenue.historical_clv + coalesce(predicted.predictive_clv_usd, 0)') }} as average_predictive_ltv
    from customer_revenue
    left join predicted on customer_revenue.customer_key = predicted.customer_key
    group by 1, 2
)

select
    acquisition.acquisition_channel,
    acquisition.month_start,
    acquisition.marketing_spend,
    acquisition.new_paying_customers,
    acquisition.cac,
    acquisition.average_historical_clv,
    acquisition.historical_ltv_to_cac,
    predictive_ltv.average_predictive_ltv,
    predictive_ltv.average_predictive_ltv / nullif(acquisition.cac, 0) as predictive_ltv_to_cac
from acquisition
left join predictive_ltv
    on acquisition.acquisition_channel = predictive_ltv.acquisition_channel
    and acquisition.month_start = predictive_ltv.month_start
