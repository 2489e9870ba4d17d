-- One row per staged survey comment or review text (source, text_id): the text with contact data replaced,
-- the answer's score and the polarity it implies, for theme assignment (statistics.feedback_text_themes).
with

answers as (
    select * from {{ ref('stg_feedback__survey_responses') }}
),

reviews as (
    select * from {{ ref('stg_feedback__reviews') }}
),

texts as (
    select
        'survey' as source,
        response_id as text_id,
        customer_key,
        survey_type || '_comment' as feedback_source,
        score,
        comment as original_text,
        responded_at as submitted_at
    from answers
    where comment is not null and trim(comment) <> ''

    union all

    select
        'review' as source,
        review_id as text_id,
        customer_key,
        'review' as feedback_source,
        rating as score,
        review_text as original_text,
        created_at as submitted_at
    from reviews
    where review_text is not null and trim(review_text) <> ''
)

select
    source,
    text_id,
    customer_key,
    feedback_source,
    score,
    -- SPEC §3: NPS detractors 0-6 and promoters 9-10; CSAT and star ratings low at 1-2, high at 4-5.
    case
        when score is null then 0
        when feedback_source = 'nps_comment' and score <= 6 then -1
        when feedback_source = 'nps_comment' and score >= 9 then 1
        when feedback_source <> 'nps_comment' and score <= 2 then -1
        when feedback_source <> 'nps_comment' and score >= 4 then 1
        else 0
    end as score_polarity,
    submitted_at,
    {{ dbt.date_trunc('month', 'submitted_at') }} as submitted_month,
    {{ contains_contact_data('original_text') }} as has_contact_data,
    {{ without_contact_data('original_text') }} as feedback_text
from texts
