-- One row per plan: fitted shifted-beta-geometric churn and the predicted value of a new subscriber.
with

fits as (
    select * from {{ source('statistics', 'subscription_retention_fits') }}
),

plans as (
    select * from {{ ref('plans') }}
),

margin as (
    select cast(value as {{ dbt.type_float() }}) as gross_margin
    from {{ ref('reporting_settings') }}
    where setting = 'gross_margin'
)

select
    plans.plan_id,
    plans.tier,
    plans.billing_interval,
    plans.price_usd,
    fits.fit_status,
    fits.subscriptions,
    fits.churned,
    fits.alpha,
    fits.beta,
    fits.alpha_se,
    fits.beta_se,
    -- Mean churn probability per period across subscribers, E[θ] = α / (α + β).
    fits.alpha / (fits.alpha + fits.beta) as mean_churn_probability,
    fits.survival_after_1_period,
    fits.survival_after_3_periods,
    fits.survival_after_12_periods,
    fits.derl_new_subscriber_periods,
    fits.derl_new_subscriber_periods * plans.price_usd * margin.gross_margin as predicted_clv_new_subscriber_usd
from plans
left join fits on plans.plan_id = fits.plan_id
cross join margin
