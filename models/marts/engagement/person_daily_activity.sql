{{
    config(
        materialized='incremental',
        partition_by=partitioned_on_spark('activity_date'),
        incremental_strategy='replace_person_tail',
        tail_column='activity_date',
        unique_key='person_key',
        on_schema_change='fail',
        consumes_load_files_of=['fct_sessions'],
        post_hook=["{{ delete_vanished_persons() }}", "{{ record_consumed_load_files() }}"]
    )
}}
-- Read only by incremental runs, declared for the parse: {{ source('landing', 'load_files') }}, {{ source('landing', 'consumed_load_files') }}, {{ ref('stg_app__events') }}, {{ ref('int_identity_map') }}

-- One row per person and day with at least one event: activity, sessions started and engaged time.
-- Incremental: the persons whose events the run reprocessed (fct_sessions' rule) get their days recomputed from
-- the first day of a session those events can touch; the strategy replaces their days from there on.
with

events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

sessions as {{ not_materialized() }} (
    select * from {{ ref('fct_sessions') }}
),

{% if is_incremental() %}
changed_persons as (
    {{ changed_persons('events', '(select max(activity_date) from ' ~ this ~ ')') }}
),

-- A person's days change from the day the first session the change can touch started (fct_sessions' rule).
recompute_from as (
    select person_key, cast(from_at as date) as from_date
    from ({{ session_recompute_start('changed_persons', 'sessions') }}) as session_starts
),

scoped_events as (
    select events.*
    from events
    inner join recompute_from
        on events.person_key = recompute_from.person_key
        and events.event_date >= recompute_from.from_date
),

scoped_sessions as (
    select sessions.*
    from sessions
    inner join recompute_from
        on sessions.person_key = recompute_from.person_key
        and sessions.session_date >= recompute_from.from_date
),
{% else %}
scoped_events as (
    select * from events
),

scoped_sessions as (
    select * from sessions
),
{% endif %}

event_days as (
    select
        person_key,
        event_date as activity_date,
        {{ dbt.bool_or('is_customer') }} as is_customer,
        count(*) as events,
        count(case when is_interaction then 1 end) as interactions,
        count(case when is_social then 1 end) as social_actions,
        count(case when is_content_view then 1 end) as content_views,
        count(case when is_conversion then 1 end) as conversions,
        -- Decimal, so the sum does not depend on the order rows are added in (incremental = full refresh).
        sum(cast(engagement_weight as decimal(18, 4))) as engagement_points
    from scoped_events
    group by person_key, event_date
),

session_days as (
    select
        person_key,
        session_date as activity_date,
        count(*) as sessions,
        count(case when is_engaged then 1 end) as engaged_sessions,
        sum(engaged_seconds) as engaged_seconds
    from scoped_sessions
    group by person_key, session_date
)

select
    event_days.person_key,
    event_days.activity_date,
    event_days.is_customer,
    event_days.events,
    event_days.interactions,
    event_days.social_actions,
    event_days.content_views,
    event_days.conversions,
    event_days.engagement_points,
    coalesce(session_days.sessions, 0) as sessions,
    coalesce(session_days.engaged_sessions, 0) as engaged_sessions,
    coalesce(session_days.engaged_seconds, 0) as engaged_seconds
from event_days
left join session_days
    on event_days.person_key = session_days.person_key
    and event_days.activity_date = session_days.activity_date
