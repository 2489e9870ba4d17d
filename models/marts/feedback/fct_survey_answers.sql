-- One row per staged survey answer (NPS and CSAT): its month, touchpoint, the plan the respondent was on and their
-- country, and whether it is their latest answer of that survey type in the month (NPS counts only that one).
-- No comment text: fct_survey_comments holds what may be shown of it.
with

answers as (
    select * from {{ ref('int_survey_answers') }}
)

select
    response_id,
    customer_key,
    survey_type,
    score,
    nps_category,
    touchpoint,
    responded_at,
    response_month,
    plan_id,
    country,
    is_latest_in_month
from answers
