{#- The file name (without folders) of the load a row came from. -#}
{% macro load_file_name(column) -%}
    {{ return(adapter.dispatch('load_file_name', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__load_file_name(column) -%}
    regexp_extract({{ column }}, '[^/]+$', 0)
{%- endmacro %}

{% macro duckdb__load_file_name(column) -%}
    parse_filename({{ column }})
{%- endmacro %}
