-- One row per candidate theme and language among the texts no listed theme matched: what else customers write
-- about, for a maintainer to review and, if it is a theme, add its keywords to seeds/feedback_theme_keywords.csv.
with

candidates as (
    select * from {{ source('statistics', 'feedback_candidate_themes') }}
)

select
    language,
    candidate_rank,
    top_terms,
    texts,
    share_of_unmatched
from candidates
