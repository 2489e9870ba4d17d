{#- numerator / denominator as a double on every engine. `x * 1.0 / y` is a double in DuckDB but a decimal in Spark
    (1.0 is a decimal literal there), rounded to a scale of its own: 8 places for seconds / 604800.0, which moved the
    BG/NBD fit of Spark's customers by 1e-4. Write `nullif(y, 0)` as the denominator where y can be 0. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / {{ denominator }}
{%- endmacro %}
