{{ config(materialized='table') }}

-- MetricFlow joins cumulative metrics (WAU, MAU) and gap-filled series to this day spine.
with days as (
    {{ dbt.date_spine('day', "cast('2020-01-01' as date)", "cast('2036-01-01' as date)") }}
)

select cast(date_day as date) as date_day
from days
