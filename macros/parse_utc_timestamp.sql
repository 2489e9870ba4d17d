{#- ISO-8601 text (with or without a UTC offset) to a UTC timestamp; null when unparseable. -#}
{% macro parse_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(column) -%}
    to_utc_timestamp(try_cast({{ column }} as timestamp), 'UTC')
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(column) -%}
    (try_cast({{ column }} as timestamptz) at time zone 'UTC')
{%- endmacro %}
