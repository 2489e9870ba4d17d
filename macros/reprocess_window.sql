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
    {%- if is_incremental() -%}
    delete from {{ this }}
    where anonymous_id in ({{ erased_login_anonymous_ids() }})
        and anonymous_id not in (
            select anonymous_id from {{ ref('stg_app__events') }}
            where anonymous_id in ({{ erased_login_anonymous_ids() }})
        )
    {%- endif -%}
{%- endmacro %}
