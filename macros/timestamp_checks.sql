{#-
    The `when` branches of a base model's reason_code CASE for one timestamp: null (absent or
    unparseable) -> 'unparseable_timestamp', later than future_cutoff(reference) -> 'future_timestamp',
    before var earliest_plausible_date (a 1900 or 0001 placeholder) -> 'implausible_timestamp'.
-#}
{% macro timestamp_checks(column, reference=none) -%}
    when {{ column }} is null then 'unparseable_timestamp'
            when {{ column }} > {{ future_cutoff(reference) }} then 'future_timestamp'
            when {{ column }} < cast('{{ var("earliest_plausible_date") }}' as timestamp) then 'implausible_timestamp'
{%- endmacro %}
