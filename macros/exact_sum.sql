{#- Sums and averages of floating-point values that do not depend on the order the engine's threads add rows in:
    each value is rounded to 12 decimals and added exactly as a DECIMAL(38, 12), so the same rows give the same
    double, build after build (a double sum differed in its 13th digit between two builds of the same landing). -#}
{% macro exact_sum(expression) -%}
    cast(sum(cast({{ expression }} as decimal(38, 12))) as double)
{%- endmacro %}

{% macro exact_avg(expression) -%}
    cast(avg(cast({{ expression }} as decimal(38, 12))) as double)
{%- endmacro %}
