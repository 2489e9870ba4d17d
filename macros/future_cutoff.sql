{#- Latest acceptable timestamp: `reference` (default: this run's start) plus var future_tolerance_hours. -#}
{% macro future_cutoff(reference=none) -%}
    {%- set reference = reference or "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)" -%}
    {{ dbt.dateadd('hour', var('future_tolerance_hours'), reference) }}
{%- endmacro %}
