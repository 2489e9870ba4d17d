{{
    config(
        materialized='incremental',
        partition_by=partitioned_on_spark('activity_date'),
        incremental_strategy='replace_person_tail',
        tail_column='activity_date',
        unique_key='person_key',
        on_schema_change='fail',
        consumes_load_files_of=['fct_events'],
        post_hook=["{{ delete_vanished_persons() }}", "{{ record_consumed_load_files() }}"]
    )
}}
-- Read only by incremental runs, declared for the parse: {{ source('landing', 'load_files') }}, {{ source('landing', 'consumed_load_files') }}, {{ ref('stg_app__events') }}, {{ ref('int_identity_map') }}

-- One row per person, UTC day and segment (country, platform, device type) with at least one event: who was
-- active where, so active-person counts (DAU, WAU, MAU) split by the segments of the events themselves.
-- Incremental: the persons whose events the run reprocessed (fct_sessions' rule) get their days recomputed from
-- the day of the earliest of those events; the strategy replaces their days from there on.
with

events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

{% if is_incremental() %}
changed_persons as (
    {{ changed_persons('events', '(select max(activity_date) from ' ~ this ~ ')') }}
),

scoped_events as (
    select events.*
    from events
    inner join changed_persons
        on events.person_key = changed_persons.person_key
        and events.event_date >= cast(changed_persons.earliest_changed_at as date)
)
{% else %}
scoped_events as (
    select * from events
)
{% endif %}

select
    person_key,
    event_date as activity_date,
    coalesce(country, 'unknown') as country,
    coalesce(platform, 'unknown') as platform,
    coalesce(device_type, 'unknown') as device_type,
    {{ dbt.bool_or('is_customer') }} as is_customer,
    count(*) as events
from scoped_events
group by person_key, event_date, coalesce(country, 'unknown'), coalesce(platform, 'unknown'), coalesce(device_type, 'unknown')
