-- One row per day: active persons (DAU, rolling WAU and MAU), stickiness, sessions, engagement,
-- frequency, social engagement and referral traffic.
with

person_days as {{ not_materialized() }} (
    select * from {{ ref('person_daily_activity') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

events as (
    select * from {{ ref('fct_events') }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
),

bounds as (
    select min(activity_date) as first_date, max(activity_date) as last_date from person_days
),

days as (
    -- Cast outside the series: Spark allows no generator (explode) inside an expression.
    select cast(series_day as date) as activity_date
    from (select {{ series('bounds.first_date', 'bounds.last_date', 'interval 1 day') }} as series_day from bounds) as series_days
),

-- Rolling distinct persons without a self-join: an active day d covers the trailing windows
-- ending on d .. d + N - 1, up to the person's next active day, so intervals never overlap.
next_active as (
    select
        person_key,
        activity_date,
        lead(activity_date) over (partition by person_key order by activity_date) as next_active_date
    from person_days
),

window_edges as (
    select activity_date as edge_date, 1 as weekly_change, 1 as monthly_change
    from next_active
    {%- for days, weekly_change, monthly_change in [(7, -1, 0), (30, 0, -1)] %}
    union all
    select
        case
            when next_active_date is not null and next_active_date < {{ dbt.dateadd('day', days, 'activity_date') }}
                then next_active_date
            else cast({{ dbt.dateadd('day', days, 'activity_date') }} as date)
        end,
        {{ weekly_change }},
        {{ monthly_change }}
    from next_active
    {%- endfor %}
),

edge_totals as (
    select edge_date, sum(weekly_change) as weekly_change, sum(monthly_change) as monthly_change
    from window_edges
    group by edge_date
),

rolling_active as (
    select
        days.activity_date,
        cast(sum(coalesce(edge_totals.weekly_change, 0)) over (order by days.activity_date rows between unbounded preceding and current row) as {{ dbt.type_bigint() }}) as wau,
        cast(sum(coalesce(edge_totals.monthly_change, 0)) over (order by days.activity_date rows between unbounded preceding and current row) as {{ dbt.type_bigint() }}) as mau
    from days
    left join edge_totals on days.activity_date = edge_totals.edge_date
),

daily_persons as (
    select
        activity_date,
        count(*) as dau,
        count(case when is_customer then 1 end) as active_customers,
        sum(engaged_seconds) as engaged_seconds
    from person_days
    group by activity_date
),

daily_sessions as (
    select
        session_date as activity_date,
        count(*) as sessions,
        count(case when is_engaged then 1 end) as engaged_sessions,
        count(case when conversions > 0 then 1 end) as converting_sessions,
        sum(interactions) as interactions,
        count(case when channel_group = 'referral' then 1 end) as referral_sessions
    from sessions
    group by session_date
),

daily_events as (
    select
        event_date as activity_date,
        count(case when event_type = 'like' then 1 end) as likes,
        count(case when event_type = 'share' then 1 end) as shares,
        count(case when event_type = 'comment' then 1 end) as comments,
        count(case when event_type = 'follow' then 1 end) as follows,
        count(case when is_content_view then 1 end) as content_views
    from events
    group by event_date
),

referred_signups as (
    select cast(created_at as date) as activity_date, count(*) as referred_signups
    from customers
    where referred_by_customer_key is not null
    group by cast(created_at as date)
),

combined as (
    select
        days.activity_date,
        coalesce(daily_persons.dau, 0) as dau,
        rolling_active.wau,
        rolling_active.mau,
        -- Before the 7th (30th) day with data the trailing window reaches back before the data: WAU, MAU and what
        -- divides by them count fewer days, and BI should not read the ramp-up as growth.
        days.activity_date >= cast({{ dbt.dateadd('day', 6, 'bounds.first_date') }} as date) as has_full_wau_window,
        days.activity_date >= cast({{ dbt.dateadd('day', 29, 'bounds.first_date') }} as date) as has_full_mau_window,
        coalesce(daily_persons.active_customers, 0) as active_customers,
        coalesce(daily_sessions.sessions, 0) as sessions,
        coalesce(daily_sessions.engaged_sessions, 0) as engaged_sessions,
        coalesce(daily_sessions.converting_sessions, 0) as converting_sessions,
        coalesce(daily_sessions.interactions, 0) as interactions,
        coalesce(daily_persons.engaged_seconds, 0) as engaged_seconds,
        coalesce(daily_events.likes, 0) as likes,
        coalesce(daily_events.shares, 0) as shares,
        coalesce(daily_events.comments, 0) as comments,
        coalesce(daily_events.follows, 0) as follows,
        coalesce(daily_events.content_views, 0) as content_views,
        coalesce(daily_sessions.referral_sessions, 0) as referral_sessions,
        coalesce(referred_signups.referred_signups, 0) as referred_signups
    from days
    cross join bounds
    inner join rolling_active on days.activity_date = rolling_active.activity_date
    left join daily_persons on days.activity_date = daily_persons.activity_date
    left join daily_sessions on days.activity_date = daily_sessions.activity_date
    left join daily_events on days.activity_date = daily_events.activity_date
    left join referred_signups on days.activity_date = referred_signups.activity_date
)

select
    *,
    {{ ratio('dau', 'nullif(mau, 0)') }} as stickiness,
    {{ ratio('engaged_sessions', 'nullif(sessions, 0)') }} as engagement_rate,
    1 - {{ ratio('engaged_sessions', 'nullif(sessions, 0)') }} as bounce_rate,
    {{ ratio('engaged_seconds', 'nullif(dau, 0)') }} as engaged_seconds_per_active_person,
    {{ ratio('interactions', 'nullif(sessions, 0)') }} as interactions_per_session,
    {{ ratio('converting_sessions', 'nullif(sessions, 0)') }} as conversion_rate,
    -- Frequency: mean distinct active days in the trailing 30 days per monthly active person.
    {{ ratio('sum(dau) over (order by activity_date rows between 29 preceding and current row)', 'nullif(mau, 0)') }} as active_days_per_monthly_active_person,
    {{ ratio('sum(sessions) over (order by activity_date rows between 6 preceding and current row)', 'nullif(wau, 0)') }} as sessions_per_weekly_active_person,
    {{ ratio('likes + shares + comments + follows', 'nullif(content_views, 0)') }} as social_actions_per_content_view
from combined
