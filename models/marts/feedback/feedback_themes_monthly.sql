-- One row per month, source and theme: how often customers mention the theme, praise it and complain about
-- it, as counts and as shares of the month's texts, and the complaint share against the trailing three months.
with

theme_months as (
    select * from {{ source('statistics', 'feedback_theme_months') }}
)

select
    submitted_month as feedback_month,
    source as feedback_source,
    theme,
    texts,
    mentions,
    complaints,
    praises,
    {{ ratio('mentions', 'nullif(texts, 0)') }} as mention_share,
    {{ ratio('complaints', 'nullif(texts, 0)') }} as complaint_share,
    average_sentiment,
    average_score_of_mentions,
    average_score_of_all_texts,
    baseline_texts as trailing_texts,
    baseline_complaints as trailing_complaints,
    {{ ratio('baseline_complaints', 'nullif(baseline_texts, 0)') }} as trailing_complaint_share,
    {{ ratio('complaints', 'nullif(texts, 0)') }} - {{ ratio('baseline_complaints', 'nullif(baseline_texts, 0)') }} as complaint_share_change,
    rise_p_value,
    rise_q_value,
    is_alert
from theme_months
