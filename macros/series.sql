{#-
    A set-returning select expression: one row per value from `first` to `last` (inclusive) in steps of
    `step` (e.g. "interval 1 day"; default 1). The length comes from the data, so a spine never stops
    short of the last date nor runs from an odd early one for a fixed count. No rows when a bound is null.
-#}
{% macro series(first, last, step=none) -%}
    {{ return(adapter.dispatch('series', 'engagement_warehouse')(first, last, step)) }}
{%- endmacro %}

{% macro default__series(first, last, step) -%}
    explode(sequence({{ first }}, {{ last }}{% if step %}, {{ step }}{% endif %}))
{%- endmacro %}

{% macro duckdb__series(first, last, step) -%}
    unnest(generate_series({{ first }}, {{ last }}{% if step %}, {{ step }}{% endif %}))
{%- endmacro %}
