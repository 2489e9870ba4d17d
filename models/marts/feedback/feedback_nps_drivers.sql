-- One row per theme: the NPS of respondents whose comment mentions it against everyone else's, with intervals.
with

drivers as (
    select * from {{ source('statistics', 'feedback_nps_drivers') }}
)

select
    theme,
    respondents_mentioning,
    nps_mentioning,
    nps_mentioning_lower,
    nps_mentioning_upper,
    respondents_not_mentioning,
    nps_not_mentioning,
    nps_difference,
    nps_difference_lower,
    nps_difference_upper,
    -- Only a difference that no value inside the interval explains away.
    coalesce(nps_difference_upper < 0, false) as is_clear_detractor_driver,
    coalesce(nps_difference_lower > 0, false) as is_clear_promoter_driver,
    is_small_sample
from drivers
