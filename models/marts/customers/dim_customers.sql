-- One row per customer (pseudonymous key, no PII): profile, activity, value, satisfaction, consent,
-- RFM scores and lifecycle stage as of the reporting clock.
with

profile as (
    select * from {{ ref('customer_profile') }}
),

scored as (
    select
        *,
        {{ dbt.datediff('last_active_date', 'cast(as_of_at as date)', 'day') }} as days_since_last_active,
        {{ dbt.datediff('cast(signed_up_at as date)', 'cast(as_of_at as date)', 'day') }} as days_since_signup,
        -- RFM quintiles among paying customers, 5 = best: most recent activity, most payments, most revenue.
        -- Ties split by customer_key, so a rebuild puts every customer in the same quintile.
        case when first_paid_at is not null then ntile(5) over (
            partition by first_paid_at is not null order by last_active_date nulls first, customer_key) end as recency_score,
        case when first_paid_at is not null then ntile(5) over (
            partition by first_paid_at is not null order by payments, customer_key) end as frequency_score,
        case when first_paid_at is not null then ntile(5) over (
            partition by first_paid_at is not null order by historical_clv, customer_key) end as monetary_score
    from profile
)

select
    customer_key,
    signed_up_at,
    country,
    acquisition_channel,
    acquisition_campaign,
    referred_by_customer_key,
    first_active_date,
    last_active_date,
    days_since_last_active,
    lifetime_sessions,
    lifetime_engaged_seconds,
    active_days_last_30,
    active_days_previous_30,
    engagement_score,
    current_plan_id,
    current_mrr,
    payments,
    historical_clv,
    predictive_clv,
    p_alive,
    value_segment,
    recency_score,
    frequency_score,
    monetary_score,
    latest_nps_score,
    case
        when latest_nps_score >= 9 then 'promoter'
        when latest_nps_score >= 7 then 'passive'
        when latest_nps_score is not null then 'detractor'
    end as latest_nps_category,
    latest_csat_score,
    -- Lifecycle, first matching rule wins (documented in the YAML).
    case
        when days_since_signup < 14 then 'new'
        when reactivated_recently and current_mrr > 0 then 'reactivated'
        when has_ever_paid_subscription and current_mrr = 0 then 'churned'
        when last_active_date is null or days_since_last_active >= 30 then 'dormant'
        when days_since_last_active >= 14
            or (active_days_previous_30 >= 4 and active_days_last_30 * 2 <= active_days_previous_30)
            or p_alive < 0.5 then 'at_risk'
        else 'active'
    end as lifecycle_stage,
    consent_email,
    consent_push,
    consent_sms,
    consent_in_app,
    has_unsubscribed,
    as_of_at
from scored
