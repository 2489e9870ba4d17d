{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='anonymous_id',
        on_schema_change='fail',
        post_hook="{{ identity_map_without_vanished_ids() }}"
    )
}}
-- Read only by incremental runs (load files staged in this run), declared for the parse: {{ source('landing', 'load_files') }}

-- One row per anonymous id seen in staged events: the person its anonymous events belong to.
-- Incremental: maps again, from all their events, the anonymous ids with events in the reprocessing window
-- (the one fct_events uses: `engagement_lookback_days` before the partition start or the newest day mapped)
-- or in a load file staged in this run, and every id an erased customer logged in on; the post-hook drops ids left without staged events.
with

events as (
    select * from {{ ref('stg_app__events') }}
),

-- Devices an erased customer logged in on: their anonymous events lose that link, so incremental
-- event models re-stitch them on every run (the erased customer's own rows are deleted).
erased_logins as (
    select distinct anonymous_id from ({{ erased_login_anonymous_ids() }}) erased_events
),

{% if is_incremental() -%}
reprocess_from as (
    select {{ dbt.dateadd('day', -var('engagement_lookback_days'), reprocess_start_date('(select cast(max(last_seen_at) as date) from ' ~ this ~ ')')) }} as from_date
),

ids_to_map as (
    select events.anonymous_id
    from events
    cross join reprocess_from
    where cast(events.event_at as date) >= reprocess_from.from_date
        or {{ is_from_new_load_file('events.load_id') }}
    union
    select anonymous_id from erased_logins
),

events_to_map as (
    select events.*
    from events
    where events.anonymous_id in (select anonymous_id from ids_to_map)
),
{%- else %}
events_to_map as (
    select * from events
),
{%- endif %}

identified as (
    select
        anonymous_id,
        customer_key,
        event_at,
        row_number() over (partition by anonymous_id order by event_at, event_id) as login_order
    from events_to_map
    where customer_key is not null
),

first_login as (
    select anonymous_id, customer_key, event_at as first_identified_at
    from identified
    where login_order = 1
),

customers_per_id as (
    select anonymous_id, count(distinct customer_key) as customers_seen
    from identified
    group by anonymous_id
),

anonymous_ids as (
    select anonymous_id, min(event_at) as first_seen_at, max(event_at) as last_seen_at
    from events_to_map
    group by anonymous_id
)

select
    anonymous_ids.anonymous_id,
    -- Rule for a shared device: its anonymous events belong to the first customer who logged in on it.
    first_login.customer_key,
    coalesce(first_login.customer_key, anonymous_ids.anonymous_id) as person_key,
    anonymous_ids.first_seen_at,
    anonymous_ids.last_seen_at,
    first_login.first_identified_at,
    coalesce(customers_per_id.customers_seen, 0) as customers_seen,
    coalesce(customers_per_id.customers_seen, 0) > 1 as is_shared,
    erased_logins.anonymous_id is not null as had_erased_customer
from anonymous_ids
left join first_login on anonymous_ids.anonymous_id = first_login.anonymous_id
left join customers_per_id on anonymous_ids.anonymous_id = customers_per_id.anonymous_id
left join erased_logins on anonymous_ids.anonymous_id = erased_logins.anonymous_id
