-- One row per theme and month whose complaints rose beyond chance against the theme's trailing three months
-- (all sources together; one-sided conditional Poisson test, Benjamini-Hochberg across the month's themes).
with

theme_months as (
    select * from {{ ref('feedback_themes_monthly') }}
)

select
    feedback_month,
    theme,
    texts,
    complaints,
    complaint_share,
    trailing_texts,
    trailing_complaints,
    trailing_complaint_share,
    complaint_share / nullif(trailing_complaint_share, 0) as complaint_share_ratio,
    rise_p_value,
    rise_q_value
from theme_months
where feedback_source = 'all' and is_alert
