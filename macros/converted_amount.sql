{#- An amount (decimal(18, 2)) in the reporting currency: times its reporting_per_unit (decimal(18, 8)), exactly.
    DuckDB multiplies two decimals of up to 18 digits in 64 bits and stops the build on an overflow (an amount above
    about 9.2e8 units: one such cell stopped every refresh), so its amount is widened first and the product taken in
    128 bits; Spark widens the product itself (decimal(37, 10)). -#}
{% macro converted_amount(amount, rate) -%}
    {{ return(adapter.dispatch('converted_amount', 'engagement_warehouse')(amount, rate)) }}
{%- endmacro %}

{% macro default__converted_amount(amount, rate) -%}
    ({{ amount }} * {{ rate }})
{%- endmacro %}

{% macro duckdb__converted_amount(amount, rate) -%}
    (cast({{ amount }} as decimal(38, 2)) * {{ rate }})
{%- endmacro %}
