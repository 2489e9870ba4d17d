-- One row per month, dimension and dimension value: CSAT with its Wilson interval and the change since the
-- previous month with answers of the same group.
with

csat as (
    select * from {{ source('statistics', 'csat_summary') }}
)

select
    response_month,
    dimension,
    dimension_value,
    answers,
    satisfied,
    csat,
    csat_lower,
    csat_upper,
    is_small_sample,
    lag(response_month) over (partition by dimension, dimension_value order by response_month) as previous_month,
    csat - lag(csat) over (partition by dimension, dimension_value order by response_month) as csat_change
from csat
