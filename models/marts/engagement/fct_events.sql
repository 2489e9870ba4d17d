{{
    config(
        materialized='incremental',
        partition_by=partitioned_on_spark('event_date'),
        tags=['event_day_partitioned'],
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        consumes_load_files_of=['int_identity_map'],
        post_hook=["{{ delete_erased_persons() }}", "{{ record_consumed_load_files() }}"]
    )
}}
-- Read only by incremental runs (load files new to the model), declared for the parse: {{ source('landing', 'load_files') }}, {{ source('landing', 'consumed_load_files') }}

-- One row per staged event: deduplicated (in staging), stitched to a person, with its taxonomy.
-- Incremental (macro is_reprocessed_event): reprocesses the event dates of the run's window (its partition, or from the
-- newest date loaded; `engagement_lookback_days` adds days before it) and every event of an anonymous id first
-- identified in that window or logged in on in a load file new to the model (retroactive stitching, also for a late
-- login) or once used by a since-erased customer. Every event of a load file new to the model is taken too, whatever
-- its date (late events, released orphans; config consumes_load_files_of, macros/consumed_load_files.sql). The
-- post-hooks delete the events of erased customers and record the files consumed.
with

events as (
    select * from {{ ref('stg_app__events') }}
),

identity as (
    select * from {{ ref('int_identity_map') }}
),

event_types as (
    select * from {{ ref('event_types') }}
)

{% if is_incremental() %}
, events_to_stitch as (
    select *
    from events
    where {{ is_reprocessed_event(
        'event_at', 'anonymous_id', is_from_new_load_file('load_id'),
        reprocess_from_date('(select max(event_date) from ' ~ this ~ ')')) }}
)
{% endif %}

select
    events.event_id,
    -- An identified event belongs to its customer; an anonymous one to the device's person.
    coalesce(events.customer_key, identity.person_key) as person_key,
    coalesce(events.customer_key, identity.customer_key) is not null as is_customer,
    events.customer_key as logged_in_customer_key,
    events.anonymous_id,
    events.event_type,
    event_types.event_category,
    event_types.engagement_weight,
    event_types.is_conversion,
    event_types.is_view,
    event_types.is_interaction,
    event_types.is_social,
    event_types.is_content_view,
    events.event_at,
    cast(events.event_at as date) as event_date,
    events.received_at,
    cast(floor({{ epoch_seconds('events.event_at') }} / {{ var('ping_bucket_seconds') }}) as {{ dbt.type_bigint() }}) as ping_bucket,
    events.page,
    events.referrer,
    events.utm_source,
    events.utm_medium,
    events.utm_campaign,
    events.platform,
    events.device_type,
    events.country
from {{ 'events_to_stitch' if is_incremental() else 'events' }} as events
inner join identity on events.anonymous_id = identity.anonymous_id
inner join event_types on events.event_type = event_types.event_type
