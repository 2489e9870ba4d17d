{#- Whole seconds since 1970-01-01 00:00 UTC of a UTC timestamp. -#}
{% macro epoch_seconds(column) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__epoch_seconds(column) -%}
    {{ dbt.datediff("cast('1970-01-01 00:00:00' as timestamp)", column, 'second') }}
{%- endmacro %}

{% macro duckdb__epoch_seconds(column) -%}
    cast(epoch({{ column }}) as bigint)
{%- endmacro %}
