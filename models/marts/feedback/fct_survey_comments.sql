-- One row per survey answer with a comment: the respondent's segment and the comment, withheld
-- (null, flagged) when it looks like it contains contact data, which stays in staging.
with

answers as (
    select * from {{ ref('stg_feedback__survey_responses') }}
),

segments as (
    select * from {{ ref('int_survey_answers') }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
)

select
    answers.response_id,
    answers.customer_key,
    answers.survey_type,
    answers.score,
    segments.nps_category,
    answers.touchpoint,
    answers.responded_at,
    segments.plan_id,
    segments.country,
    customers.acquisition_channel,
    {{ contains_contact_data('answers.comment') }} as is_comment_withheld,
    case when {{ contains_contact_data('answers.comment') }} then null else answers.comment end as comment
from answers
inner join segments on answers.response_id = segments.response_id
left join customers on answers.customer_key = customers.customer_key
where answers.comment is not null
