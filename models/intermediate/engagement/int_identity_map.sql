{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='anonymous_id',
        on_schema_change='fail',
        consumes_load_files_of=['base_app__events'],
        post_hook=["{{ identity_map_without_vanished_ids() }}", "{{ record_consumed_load_files() }}"]
    )
}}
-- Read only by incremental runs (load files new to the model), declared for the parse: {{ source('landing', 'load_files') }}, {{ source('landing', 'consumed_load_files') }}, {{ ref('base_app__events') }}

-- One row per anonymous id seen in staged events: the person its anonymous events belong to.
-- Incremental, proportional to the new events: the events of the reprocessing window (the one fct_events uses:
-- the partition, or from the newest day mapped) and of load files new to the map are merged into the ids' rows (earliest/latest seen, an earlier login of the same customer). An id is mapped
-- again from all its events only when a merge cannot tell: a new event logs in a customer other than the id's first
-- one (a shared device, or an earlier login landing late), a new event replaced a copy staged before, or an erased
-- customer logged in on the id. The post-hooks drop ids left without staged events and record the files consumed.
with

events as {{ not_materialized() }} (
    select * from {{ ref('stg_app__events') }}
),

-- Devices an erased customer logged in on: their anonymous events lose that link, so incremental
-- event models re-stitch them on every run (the erased customer's own rows are deleted).
erased_logins as (
    select distinct anonymous_id from ({{ erased_login_anonymous_ids() }}) as erased_events
),

{% if is_incremental() -%}
mapped_before as (
    select * from {{ this }}
),

-- From the window's first date on, without its end: a merge must see an id's newer events too (a micro-batch: no days,
-- only its files). Two disjoint branches, so the scan prunes to the window's days and to the new load files instead
-- of reading every event for one OR.
{%- set from_date = reprocess_from_date('(select cast(max(last_seen_at) as date) from ' ~ this ~ ')') %}
new_events as (
    select anonymous_id, customer_key, event_at, event_id
    from events
    where {{ is_reprocessed_from('event_at', from_date) }}
    union all
    select anonymous_id, customer_key, event_at, event_id
    from events
    where {{ is_reprocessed_from('event_at', from_date) }} is not true
        and {{ is_from_new_load_file('load_id') }}
),

remapped_ids as (
    select anonymous_id from erased_logins
    union
    select new_events.anonymous_id
    from new_events
    inner join mapped_before on new_events.anonymous_id = mapped_before.anonymous_id
    where new_events.customer_key <> mapped_before.customer_key
    union
    select anonymous_id
    from new_events
    where new_events.event_id in (
        select base_events.event_id from {{ ref('base_app__events') }} as base_events
        where base_events.row_disposition = 'duplicate'
    )
),

events_to_map as (
    select anonymous_id, customer_key, event_at, event_id
    from events
    where anonymous_id in (select remapped_ids.anonymous_id from remapped_ids)
    union all
    select anonymous_id, customer_key, event_at, event_id
    from new_events
    where anonymous_id not in (select remapped_ids.anonymous_id from remapped_ids)
),
{%- else %}
events_to_map as {{ not_materialized() }} (
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
),

-- Of the ids' events read in this run: all of them on a full build or a remapped id, else only the new ones.
mapped as (
    select
        anonymous_ids.anonymous_id,
        first_login.customer_key,
        anonymous_ids.first_seen_at,
        anonymous_ids.last_seen_at,
        first_login.first_identified_at,
        coalesce(customers_per_id.customers_seen, 0) as customers_seen
    from anonymous_ids
    left join first_login on anonymous_ids.anonymous_id = first_login.anonymous_id
    left join customers_per_id on anonymous_ids.anonymous_id = customers_per_id.anonymous_id
),

{% if is_incremental() -%}
-- A merged id's new logins are all of its first customer (else it is remapped), so only an id nobody had logged
-- in on before takes its customer and count from the new events.
merged as (
    select
        mapped.anonymous_id,
        coalesce(mapped_before.customer_key, mapped.customer_key) as customer_key,
        case when mapped_before.first_seen_at < mapped.first_seen_at then mapped_before.first_seen_at else mapped.first_seen_at end as first_seen_at,
        case when mapped_before.last_seen_at > mapped.last_seen_at then mapped_before.last_seen_at else mapped.last_seen_at end as last_seen_at,
        case
            when mapped_before.first_identified_at < mapped.first_identified_at or mapped.first_identified_at is null
                then mapped_before.first_identified_at
            else mapped.first_identified_at
        end as first_identified_at,
        case when mapped_before.customer_key is null then mapped.customers_seen else mapped_before.customers_seen end as customers_seen
    from mapped
    left join mapped_before on mapped.anonymous_id = mapped_before.anonymous_id
    where mapped.anonymous_id not in (select remapped_ids.anonymous_id from remapped_ids)
    union all
    select * from mapped
    where mapped.anonymous_id in (select remapped_ids.anonymous_id from remapped_ids)
)
{%- else -%}
merged as (
    select * from mapped
)
{%- endif %}

select
    merged.anonymous_id,
    -- Rule for a shared device: its anonymous events belong to the first customer who logged in on it.
    merged.customer_key,
    coalesce(merged.customer_key, merged.anonymous_id) as person_key,
    merged.first_seen_at,
    merged.last_seen_at,
    merged.first_identified_at,
    merged.customers_seen,
    merged.customers_seen > 1 as is_shared,
    erased_logins.anonymous_id is not null as had_erased_customer
from merged
left join erased_logins on merged.anonymous_id = erased_logins.anonymous_id
