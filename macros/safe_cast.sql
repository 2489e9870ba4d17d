{#- A cast that gives null instead of an error for a value that does not convert ("N/A", NaN into a decimal). -#}
{% macro safe_cast(column, data_type) -%}
    {{ return(adapter.dispatch('safe_cast', 'engagement_warehouse')(column, data_type)) }}
{%- endmacro %}

{% macro default__safe_cast(column, data_type) -%}
    {{ dbt.safe_cast(column, data_type) }}
{%- endmacro %}

{#- dbt-duckdb's safe_cast is a plain cast; DuckDB's try_cast is the non-failing one. -#}
{% macro duckdb__safe_cast(column, data_type) -%}
    try_cast({{ column }} as {{ data_type }})
{%- endmacro %}
