-- One row per month, dimension and dimension value: NPS with its interval and the change since
-- the previous month of the same group.
with

nps as (
    select * from {{ source('statistics', 'nps_summary') }}
)

select
    response_month,
    dimension,
    dimension_value,
    respondents,
    promoters,
    passives,
    detractors,
    nps,
    nps_lower,
    nps_upper,
    is_small_sample,
    lag(response_month) over (partition by dimension, dimension_value order by response_month) as previous_month,
    nps - lag(nps) over (partition by dimension, dimension_value order by response_month) as nps_change,
    -- Only a change that no plausible value of either month explains: the intervals do not overlap.
    coalesce(
        nps_lower > lag(nps_upper) over (partition by dimension, dimension_value order by response_month)
        or nps_upper < lag(nps_lower) over (partition by dimension, dimension_value order by response_month),
        false
    ) as is_clear_change
from nps
