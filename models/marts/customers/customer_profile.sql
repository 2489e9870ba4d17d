-- One row per staged customer: every fact dim_customers classifies and scores, as of the reporting clock.
with

customers as (
    select * from {{ ref('stg_app__customers') }}
),

clock as (
    select * from {{ ref('int_reporting_clock') }}
),

person_days as (
    select * from {{ ref('person_daily_activity') }}
),

mrr_monthly as (
    select * from {{ ref('int_customer_mrr_monthly') }}
),

movements as (
    select * from {{ ref('mrr_movements') }}
),

states as (
    select * from {{ ref('int_subscription_states') }}
),

revenue as (
    select * from {{ ref('customer_revenue') }}
),

predicted as (
    select * from {{ ref('customer_predicted_value') }}
),

answers as (
    select * from {{ ref('int_survey_answers') }}
),

messages as (
    select * from {{ ref('stg_marketing__messages') }}
),

-- A customer's active days; engagement score points: a day's taxonomy points in the last 90 days, decayed by
-- exp(-age / 30 days).
customer_days as (
    select
        person_days.person_key,
        person_days.activity_date,
        person_days.sessions,
        person_days.engaged_seconds,
        case
            when person_days.activity_date >= cast({{ dbt.dateadd('day', -90, 'clock.as_of_at') }} as date)
                then person_days.engagement_points
                    * exp(-{{ ratio(dbt.datediff('person_days.activity_date', 'cast(clock.as_of_at as date)', 'day'), '30') }})
            else 0
        end as decayed_engagement_points
    from person_days
    cross join clock
    where person_days.is_customer
),

activity as (
    select
        customer_days.person_key as customer_key,
        min(customer_days.activity_date) as first_active_date,
        max(customer_days.activity_date) as last_active_date,
        sum(customer_days.sessions) as lifetime_sessions,
        sum(customer_days.engaged_seconds) as lifetime_engaged_seconds,
        count(case when customer_days.activity_date >= cast({{ dbt.dateadd('day', -30, 'clock.as_of_at') }} as date) then 1 end) as active_days_last_30,
        count(case when customer_days.activity_date >= cast({{ dbt.dateadd('day', -60, 'clock.as_of_at') }} as date)
                    and customer_days.activity_date < cast({{ dbt.dateadd('day', -30, 'clock.as_of_at') }} as date) then 1 end) as active_days_previous_30,
        {{ exact_sum('customer_days.decayed_engagement_points') }} as engagement_score
    from customer_days
    cross join clock
    group by customer_days.person_key
),

latest_mrr_month as (
    select max(month_start) as month_start from mrr_monthly
),

current_mrr as (
    select mrr_monthly.customer_key, mrr_monthly.mrr
    from mrr_monthly
    inner join latest_mrr_month
        on mrr_monthly.month_start = latest_mrr_month.month_start
),

recent_reactivations as (
    select distinct movements.customer_key
    from movements
    cross join clock
    where movements.movement = 'reactivation'
        and movements.month_start >= {{ dbt.dateadd('month', -1, dbt.date_trunc('month', dbt.dateadd('second', -1, 'clock.as_of_at'))) }}
),

ever_paying as (
    select customer_key, max(mrr) as peak_mrr from mrr_monthly group by customer_key
),

current_plan as (
    select customer_key, plan_id
    from (
        select
            customer_key,
            plan_id,
            row_number() over (partition by customer_key order by valid_from desc, subscription_id asc) as recency_rank
        from states
        where status = 'active'
            and valid_to is null
    ) as ranked
    where recency_rank = 1
),

latest_answers as (
    select
        customer_key,
        survey_type,
        score,
        row_number() over (partition by customer_key, survey_type order by responded_at desc, response_id desc) as recency_rank
    from answers
),

unsubscribed as (
    select distinct customer_key from messages where unsubscribed_at is not null
)

select
    customers.customer_key,
    customers.created_at as signed_up_at,
    customers.country,
    customers.acquisition_channel,
    customers.acquisition_campaign,
    customers.referred_by_customer_key,
    activity.first_active_date,
    activity.last_active_date,
    coalesce(activity.lifetime_sessions, 0) as lifetime_sessions,
    coalesce(activity.lifetime_engaged_seconds, 0) as lifetime_engaged_seconds,
    coalesce(activity.active_days_last_30, 0) as active_days_last_30,
    coalesce(activity.active_days_previous_30, 0) as active_days_previous_30,
    coalesce(activity.engagement_score, 0) as engagement_score,
    current_plan.plan_id as current_plan_id,
    coalesce(current_mrr.mrr, 0) as current_mrr,
    coalesce(ever_paying.peak_mrr, 0) > 0 as has_ever_paid_subscription,
    recent_reactivations.customer_key is not null as reactivated_recently,
    revenue.orders + revenue.subscription_payments as payments,
    revenue.first_paid_at,
    revenue.historical_clv,
    predicted.predictive_clv_usd as predictive_clv,
    predicted.p_alive,
    predicted.value_segment,
    nps.score as latest_nps_score,
    csat.score as latest_csat_score,
    customers.consent_email,
    customers.consent_push,
    customers.consent_sms,
    customers.consent_in_app,
    unsubscribed.customer_key is not null as has_unsubscribed,
    clock.as_of_at
from customers
cross join clock
left join activity on customers.customer_key = activity.customer_key
left join current_mrr on customers.customer_key = current_mrr.customer_key
left join ever_paying on customers.customer_key = ever_paying.customer_key
left join recent_reactivations on customers.customer_key = recent_reactivations.customer_key
left join current_plan on customers.customer_key = current_plan.customer_key
left join revenue on customers.customer_key = revenue.customer_key
left join predicted on customers.customer_key = predicted.customer_key
left join latest_answers as nps on customers.customer_key = nps.customer_key and nps.survey_type = 'nps' and nps.recency_rank = 1
left join latest_answers as csat on customers.customer_key = csat.customer_key and csat.survey_type = 'csat' and csat.recency_rank = 1
left join unsubscribed on customers.customer_key = unsubscribed.customer_key
