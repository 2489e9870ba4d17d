{#- True when the text parses as JSON. -#}
{% macro is_valid_json(column) -%}
    {{ return(adapter.dispatch('is_valid_json', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__is_valid_json(column) -%}
    (get_json_object({{ column }}, '$') is not null)
{%- endmacro %}

{% macro duckdb__is_valid_json(column) -%}
    coalesce(json_valid({{ column }}), false)
{%- endmacro %}
