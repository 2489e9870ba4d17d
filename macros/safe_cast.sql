{#- A cast that gives null instead of an error for a value that does not convert ("N/A", NaN into a decimal):
    try_cast, in DuckDB, Spark (whose casts fail under ANSI mode, its default from 4.0) and most engines. Not
    dbt.safe_cast: dbt-duckdb's is a plain cast, and a project macro named default__safe_cast is also the one
    dbt.safe_cast dispatches to, so calling it from here would recurse. -#}
{% macro safe_cast(column, data_type) -%}
    try_cast({{ column }} as {{ data_type }})
{%- endmacro %}
