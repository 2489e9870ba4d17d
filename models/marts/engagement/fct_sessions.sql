{{
    config(
        materialized='incremental',
        partition_by=partitioned_on_spark('session_date'),
        tags=['event_day_partitioned'],
        incremental_strategy='replace_person_tail',
        unique_key='person_key',
        on_schema_change='fail',
        consumes_load_files_of=['fct_events'],
        post_hook=["{{ delete_vanished_persons() }}", "{{ record_consumed_load_files() }}"]
    )
}}
-- Read only by incremental runs (load files new to the model), declared for the parse: {{ source('landing', 'load_files') }}, {{ source('landing', 'consumed_load_files') }}, {{ ref('stg_app__events') }}

-- One row per session: a person's events with no gap over `session_timeout_minutes`, in client time.
-- Incremental: for each person with events reprocessed (fct_events' rule, with the load files new to this model), recompute
-- their sessions from the start of the first session those events can touch; the strategy replaces
-- that person's sessions from there on, and the post-hook drops sessions of anonymous ids that have
-- since been stitched to a customer and of erased customers.
with

events as {{ not_materialized() }} (
    select * from {{ ref('fct_events') }}
),

channel_rules as (
    select * from {{ ref('channel_rules') }}
),

{% if is_incremental() %}
changed_persons as (
    {{ changed_persons('events', '(select cast(max(session_start) as date) from ' ~ this ~ ')') }}
),

recompute_from as (
    {{ session_recompute_start('changed_persons', this) }}
),

scoped_events as {{ not_materialized() }} (
    select events.*
    from events
    inner join recompute_from
        on events.person_key = recompute_from.person_key
        and events.event_at >= recompute_from.from_at
),
{% else %}
scoped_events as {{ not_materialized() }} (
    select * from events
),
{% endif %}

-- Two passes sorted the same way, over only the columns that cut and measure sessions: a window sorts (and at
-- 100M+ rows spills) every column it carries, so the landing attributes are joined back from each session's first
-- event afterwards.
gaps as (
    select
        person_key,
        event_id,
        event_at,
        event_type,
        is_customer,
        is_view,
        is_interaction,
        is_social,
        is_content_view,
        is_conversion,
        ping_bucket,
        lag(event_at) over (partition by person_key order by event_at, event_id) as previous_event_at
    from scoped_events
),

marked as (
    select
        *,
        case
            when previous_event_at is null then true
            -- exact to the sub-second: a gap of 1800.4 s is over 30 minutes (datediff counts whole-second boundaries)
            when event_at > {{ dbt.dateadd('minute', var('session_timeout_minutes'), 'previous_event_at') }} then true
            else false
        end as is_session_start
    from gaps
),

in_session as (
    select
        *,
        max(case when is_session_start then event_at end) over (
            partition by person_key order by event_at, event_id rows between unbounded preceding and current row
        ) as session_start,
        -- The meeting a meeting_left closes: the latest meeting_joined before it, if in the same session.
        max(case when event_type = 'meeting_joined' then event_at end) over (
            partition by person_key order by event_at, event_id rows between unbounded preceding and current row
        ) as latest_meeting_joined_at,
        -- Ping buckets only grow with time, so a ping opens a new bucket when its bucket is above every
        -- earlier ping's: counting those replaces a count(distinct) over 100M+ rows.
        max(case when event_type = 'page_ping' then ping_bucket end) over (
            partition by person_key order by event_at, event_id rows between unbounded preceding and 1 preceding
        ) as previous_ping_bucket
    from marked
),

sessions as (
    select
        person_key,
        session_start,
        max(event_at) as session_end,
        {{ dbt.bool_or('is_customer') }} as is_customer,
        count(*) as events,
        count(case when is_view then 1 end) as page_views,
        count(case
            when event_type = 'page_ping' and (previous_ping_bucket is null or ping_bucket > previous_ping_bucket) then 1
        end) as ping_buckets,
        coalesce(sum(case
            when event_type = 'meeting_left' and latest_meeting_joined_at >= session_start
                then {{ dbt.datediff('latest_meeting_joined_at', 'event_at', 'second') }}
        end), 0) as meeting_seconds,
        count(case when is_interaction then 1 end) as interactions,
        count(case when is_social then 1 end) as social_actions,
        count(case when is_content_view then 1 end) as content_views,
        count(case when is_conversion then 1 end) as conversions,
        -- The session's first event (the only start row of the group): its attributes are the landing ones.
        max(case when is_session_start then event_id end) as landing_event_id
    from in_session
    group by person_key, session_start
),

landed_sessions as (
    select
        *,
        case
            when {{ dbt.position("'www.'", 'referrer_host') }} = 1
                then {{ dbt.right('referrer_host', dbt.length('referrer_host') ~ ' - 4') }}
            else referrer_host
        end as referrer_domain
    from (
        select
            sessions.*,
            {%- for column in ['page', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'platform', 'device_type', 'country'] %}
            landing_events.{{ column }} as landing_{{ column }},
            {%- endfor %}
            {{ dbt.split_part(dbt.split_part('landing_events.referrer', "'//'", 2), "'/'", 1) }} as referrer_host
        from sessions
        inner join scoped_events as landing_events on sessions.landing_event_id = landing_events.event_id
    ) as with_host
),

matched_rules as (
    select
        landed_sessions.person_key,
        landed_sessions.session_start,
        channel_rules.channel_group,
        row_number() over (
            partition by landed_sessions.person_key, landed_sessions.session_start
            order by channel_rules.rule_priority, channel_rules.channel_group
        ) as rule_rank
    from landed_sessions
    inner join channel_rules
        on (channel_rules.match_field = 'utm_medium' and landed_sessions.landing_utm_medium = channel_rules.match_value)
        or (channel_rules.match_field = 'referrer_domain' and landed_sessions.referrer_domain = channel_rules.match_value)
)

select
    {{ dbt.hash(dbt.concat(['landed_sessions.person_key', "'|'", dbt.cast('landed_sessions.session_start', api.Column.translate_type('string'))])) }} as session_id,
    landed_sessions.person_key,
    landed_sessions.is_customer,
    landed_sessions.session_start,
    landed_sessions.session_end,
    cast(landed_sessions.session_start as date) as session_date,
    {{ dbt.datediff('landed_sessions.session_start', 'landed_sessions.session_end', 'second') }} as duration_seconds,
    landed_sessions.events,
    landed_sessions.page_views,
    landed_sessions.ping_buckets * {{ var('ping_bucket_seconds') }} + landed_sessions.meeting_seconds as engaged_seconds,
    landed_sessions.meeting_seconds,
    landed_sessions.interactions,
    landed_sessions.social_actions,
    landed_sessions.content_views,
    landed_sessions.conversions,
    -- GA4: engaged when long enough, or with enough views, or converting.
    {{ dbt.datediff('landed_sessions.session_start', 'landed_sessions.session_end', 'second') }} >= {{ var('engaged_session_min_seconds') }}
        or landed_sessions.page_views >= {{ var('engaged_session_min_views') }}
        or landed_sessions.conversions > 0 as is_engaged,
    landed_sessions.landing_page,
    landed_sessions.referrer_domain,
    landed_sessions.landing_utm_source as utm_source,
    landed_sessions.landing_utm_medium as utm_medium,
    landed_sessions.landing_utm_campaign as utm_campaign,
    case
        when matched_rules.channel_group is not null then matched_rules.channel_group
        when landed_sessions.referrer_domain is not null and landed_sessions.referrer_domain <> '' then 'referral'
        else 'direct'
    end as channel_group,
    landed_sessions.landing_platform as platform,
    landed_sessions.landing_device_type as device_type,
    landed_sessions.landing_country as country
from landed_sessions
left join matched_rules
    on landed_sessions.person_key = matched_rules.person_key
    and landed_sessions.session_start = matched_rules.session_start
    and matched_rules.rule_rank = 1
