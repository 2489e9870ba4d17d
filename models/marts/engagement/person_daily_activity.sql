-- One row per person and day with at least one event: activity, sessions started and engaged time.
with

events as (
    select * from {{ ref('fct_events') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

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
    from events
    group by person_key, event_date
),

session_days as (
    select
        person_key,
        session_date as activity_date,
        count(*) as sessions,
        count(case when is_engaged then 1 end) as engaged_sessions,
        sum(engaged_seconds) as engaged_seconds
    from sessions
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
