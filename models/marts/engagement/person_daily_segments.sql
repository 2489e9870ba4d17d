-- One row per person, UTC day and segment (country, platform, device type) with at least one event: who was
-- active where, so active-person counts (DAU, WAU, MAU) split by the segments of the events themselves.
with

events as (
    select * from {{ ref('fct_events') }}
)

select
    person_key,
    event_date as activity_date,
    coalesce(country, 'unknown') as country,
    coalesce(platform, 'unknown') as platform,
    coalesce(device_type, 'unknown') as device_type,
    {{ dbt.bool_or('is_customer') }} as is_customer,
    count(*) as events
from events
group by person_key, event_date, coalesce(country, 'unknown'), coalesce(platform, 'unknown'), coalesce(device_type, 'unknown')
