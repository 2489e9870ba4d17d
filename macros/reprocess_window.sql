{#- A bound of the incremental reprocessing window ('from' or 'to', YYYY-MM-DD, or empty): the var event_date_<bound>
    when set (a user's `dbt build --vars`, a unit test's override), else the environment variable EW_EVENT_DATE_<BOUND>
    that a partitioned Dagster run sets for its dbt steps. Not a var from Dagster: other --vars in every run would
    make dbt parse the project again (~10 s), while a macro's environment variable is read when a model compiles. -#}
{% macro reprocess_window_bound(bound) -%}
    {%- set value = var('event_date_' ~ bound) -%}
    {{ return(env_var('EW_EVENT_DATE_' ~ (bound | upper), '') if value is none else value) }}
{%- endmacro %}

{#- Start of the incremental reprocessing window before the lookback: the partition start when the run has one
    (reprocess_window_bound('from')), else the given expression (newest date loaded). -#}
{% macro reprocess_start_date(newest_loaded_date) -%}
    {%- set date_from = reprocess_window_bound('from') -%}
    {%- if date_from -%} cast('{{ date_from }}' as date) {%- else -%} {{ newest_loaded_date }} {%- endif -%}
{%- endmacro %}

{#- `and <date> < <window end>` when the run has a partition window, else nothing. -#}
{% macro before_reprocess_end(date_expression) -%}
    {%- set date_to = reprocess_window_bound('to') -%}
    {%- if date_to %}and {{ date_expression }} < cast('{{ date_to }}' as date){% endif -%}
{%- endmacro %}

{#- Query: the anonymous ids (devices) an erased customer logged in on, one row per erased event of theirs. -#}
{% macro erased_login_anonymous_ids() -%}
    select anonymous_id from {{ ref('base_app__events') }}
    where row_disposition = 'erased' and customer_key is not null
{%- endmacro %}

{#- int_identity_map's post-hook: an id an erased customer logged in on may have no staged event left (all its
    events were theirs); a full build has no row for it, so the incremental map drops it. -#}
{% macro identity_map_without_vanished_ids() -%}
    {%- set vanished -%}
        anonymous_id in ({{ erased_login_anonymous_ids() }})
        and anonymous_id not in (
            select anonymous_id from {{ ref('stg_app__events') }}
            where anonymous_id in ({{ erased_login_anonymous_ids() }})
        )
    {%- endset -%}
    {%- if is_incremental() -%}
    {{ delete_rows(this, vanished) }}
    {%- endif -%}
{%- endmacro %}

{#- Query: the anonymous ids whose events incremental event models stitch again whatever their date: first identified
    on or after `from_date` (retroactive stitching of their earlier events; is_reprocessed_from), logged in on by an event of a load file
    new to the model (a login that lands late, its time before the window, identifies the device now; is_from_new_load_file),
    or once used by a since-erased customer. `identity`: int_identity_map or a CTE over it. -#}
{% macro restitched_anonymous_ids(identity, from_date) -%}
    select anonymous_id from {{ identity }}
    where {{ is_reprocessed_from('cast(first_identified_at as date)', from_date) }} or had_erased_customer
    union
    select anonymous_id from {{ ref('stg_app__events') }}
    where customer_key is not null and {{ is_from_new_load_file('load_id') }}
{%- endmacro %}

{#- The first event date an incremental event model reprocesses: `engagement_lookback_days` (default 0) before the
    partition start, or before `newest_loaded_date` (the model's newest date) in a run without a partition. Late events
    need no lookback: they are in load files, and a model reprocesses every event of a file new to it whatever its
    date, as it does the events of re-stitched ids. -#}
{% macro reprocess_from_date(newest_loaded_date) -%}
    {{ dbt.dateadd('day', -var('engagement_lookback_days'), reprocess_start_date(newest_loaded_date)) }}
{%- endmacro %}

{#- A micro-batch (EW_MICRO_BATCH, set for the dbt steps of the Dagster job refresh_event_triggers) reprocesses no
    days: what its load files change reaches each model through the ledger (files new to the model, the files of
    released orphans withdrawn) and the ids those files log in on, so the other events of its day would only be
    rewritten as they are. At L that was a whole day of fct_events (230k events) for an hour's file. -#}
{% macro is_micro_batch() -%}
    {{ return(env_var('EW_MICRO_BATCH', '') != '') }}
{%- endmacro %}

{#- SQL condition: `day_or_time` is on or after `from_date`, the first day an incremental run reprocesses; false in a
    micro-batch, which reprocesses no days (is_micro_batch). -#}
{% macro is_reprocessed_from(day_or_time, from_date) -%}
    {%- if is_micro_batch() -%} false {%- else -%} ({{ day_or_time }} >= {{ from_date }}) {%- endif -%}
{%- endmacro %}

{#- SQL condition: `day_or_time` (an event's date, or its time: a timestamp column compared with the date) is in the
    reprocessing window, from `from_date` up to the partition end. Compare a column as it is stored: a scan prunes row
    groups on `event_at >= <date>`, never on `cast(event_at as date) >= <date>` (at L 0.7 s against 12.1 s). -#}
{% macro is_in_reprocess_window(day_or_time, from_date) -%}
    ({{ is_reprocessed_from(day_or_time, from_date) }} {{ before_reprocess_end(day_or_time) }})
{%- endmacro %}

{#- SQL condition: an event outside the window that the incremental event models reprocess all the same — its anonymous
    id is re-stitched, or it comes from a load file staged in this run (`from_new_load_file`, a condition). -#}
{% macro is_reprocessed_outside_window(anonymous_id, from_new_load_file, from_date) -%}
    ({{ anonymous_id }} in ({{ restitched_anonymous_ids(ref('int_identity_map'), from_date) }}) or {{ from_new_load_file }})
{%- endmacro %}

{#- SQL condition, on an event's own columns: the incremental event models reprocess it — in the window
    (is_in_reprocess_window) or outside it (is_reprocessed_outside_window). On the events' own columns: a condition on
    the joined identity map would join every event first. One OR, because the re-stitched ids' branch cannot be pruned
    (split into UNION ALL branches it was no faster at L); the identity map, whose branches both prune, splits. -#}
{% macro is_reprocessed_event(day_or_time, anonymous_id, from_new_load_file, from_date) -%}
    ({{ is_in_reprocess_window(day_or_time, from_date) }} or {{ is_reprocessed_outside_window(anonymous_id, from_new_load_file, from_date) }})
{%- endmacro %}

{#- Query: one row per person with events an incremental event model reprocesses (is_reprocessed_event) and the
    earliest of them. `events`: fct_events or a CTE over it; `newest_loaded_date`: the model's newest date. -#}
{% macro changed_persons(events, newest_loaded_date) -%}
    select {{ events }}.person_key, min({{ events }}.event_at) as earliest_changed_at
    from {{ events }}
    where {{ is_reprocessed_event(
        events ~ '.event_date', events ~ '.anonymous_id',
        events ~ '.event_id in (select event_id from ' ~ ref('stg_app__events') ~ ' where ' ~ is_from_new_load_file('load_id') ~ ')',
        reprocess_from_date(newest_loaded_date)) }}
    group by {{ events }}.person_key
{%- endmacro %}

{#- Query: for each person of `changed_persons` (the CTE of the query above), the time their sessions are
    recomputed from: the start of the first session the change can touch, or the change itself. A session ending more
    than the timeout before the earliest change cannot be touched by it. `sessions`: fct_sessions as it is. -#}
{% macro session_recompute_start(changed_persons, sessions) -%}
    select
        {{ changed_persons }}.person_key,
        min(
            case
                when sessions.session_start < {{ changed_persons }}.earliest_changed_at then sessions.session_start
                else {{ changed_persons }}.earliest_changed_at
            end
        ) as from_at
    from {{ changed_persons }}
    left join {{ sessions }} as sessions
        on {{ changed_persons }}.person_key = sessions.person_key
        and sessions.session_end >= {{ dbt.dateadd('minute', -var('session_timeout_minutes'), changed_persons ~ '.earliest_changed_at') }}
    group by {{ changed_persons }}.person_key
{%- endmacro %}

{#- Post-hook of the person-grain event marts in an incremental run: drops the rows of anonymous ids stitched to a
    customer since (their events now belong to the customer) and of erased customers. A full build has no such rows
    (the day-by-day == full-refresh test holds it to that), so it deletes nothing. -#}
{% macro delete_vanished_persons() -%}
    {#- Rendered before the condition, so the parse (not incremental) records the refs. -#}
    {%- set vanished -%}
        person_key in (select anonymous_id from {{ ref('int_identity_map') }} where customer_key is not null)
        or {{ is_erased('person_key') }}
    {%- endset -%}
    {%- if is_incremental() -%}
    {{ delete_rows(this, vanished) }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of fct_events in an incremental run: drops the events of customers erased since. -#}
{% macro delete_erased_persons() -%}
    {%- set erased = is_erased('person_key') -%}
    {%- if is_incremental() -%}
    {{ delete_rows(this, erased) }}
    {%- endif -%}
{%- endmacro %}
