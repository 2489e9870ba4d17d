-- One row per staged survey answer, with its NPS category, the month, the respondent's country, the plan they
-- were on when answering, and whether it is their latest answer of this survey type that month.
with

answers as (
    select * from {{ ref('stg_feedback__survey_responses') }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
),

subscription_changes as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

plan_when_answering as (
    select response_id, plan_id
    from (
        select
            answers.response_id,
            case when subscription_changes.status = 'canceled' then 'none' else subscription_changes.plan_id end as plan_id,
            row_number() over (
                partition by answers.response_id
                order by subscription_changes.effective_at desc, subscription_changes.subscription_id asc
            ) as recency_rank
        from answers
        inner join subscription_changes
            on answers.customer_key = subscription_changes.customer_key
            and answers.responded_at >= subscription_changes.effective_at
    ) as ranked
    where recency_rank = 1
)

select
    answers.response_id,
    answers.customer_key,
    answers.survey_type,
    answers.score,
    case
        when answers.survey_type = 'nps' and answers.score >= 9 then 'promoter'
        when answers.survey_type = 'nps' and answers.score >= 7 then 'passive'
        when answers.survey_type = 'nps' then 'detractor'
    end as nps_category,
    answers.touchpoint,
    answers.responded_at,
    {{ dbt.date_trunc('month', 'answers.responded_at') }} as response_month,
    coalesce(customers.country, 'unknown') as country,
    coalesce(plan_when_answering.plan_id, 'none') as plan_id,
    row_number() over (
        partition by answers.customer_key, answers.survey_type, {{ dbt.date_trunc('month', 'answers.responded_at') }}
        order by answers.responded_at desc, answers.response_id desc
    ) = 1 as is_latest_in_month
from answers
left join customers on answers.customer_key = customers.customer_key
left join plan_when_answering on answers.response_id = plan_when_answering.response_id
