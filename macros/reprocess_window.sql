{#- Start of the incremental reprocessing window before the lookback: the partition start (var
    event_date_from) when a partitioned run sets it, else the given expression (newest date loaded). -#}
{% macro reprocess_start_date(newest_loaded_date) -%}
    {%- if var('event_date_from') -%} cast('{{ var("event_date_from") }}' as date) {%- else -%} {{ newest_loaded_date }} {%- endif -%}
{%- endmacro %}

{#- `and <date> < event_date_to` when a partitioned run sets its end, else nothing. -#}
{% macro before_reprocess_end(date_expression) -%}
    {%- if var('event_date_to') %}and {{ date_expression }} < cast('{{ var("event_date_to") }}' as date){% endif -%}
{%- endmacro %}

{#- int_identity_map's post-hook: an id an erased customer logged in on may have no staged event left (all its
    events were theirs); a full build has no row for it, so the incremental map drops it. -#}
{% macro identity_map_without_vanished_ids() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where anonymous_id in (
            select anonymous_id from {{ ref('base_app__events') }}
            where row_disposition = 'erased' and customer_key is not null
        )
        and anonymous_id not in (
            select anonymous_id from {{ ref('stg_app__events') }}
            where anonymous_id in (
                select anonymous_id from {{ ref('base_app__events') }}
                where row_disposition = 'erased' and customer_key is not null
            )
        )
    {%- endif -%}
{%- endmacro %}
