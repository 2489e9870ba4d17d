{#- Text or number to an integer when it is a whole number ("9", 9.0); null for "ten", 9.5, NaN or inf. -#}
{% macro whole_number(column) -%}
    {%- set number = safe_cast(column, api.Column.translate_type('float')) -%}
    case when {{ number }} = floor({{ number }}) then {{ safe_cast(number, api.Column.translate_type('integer')) }} end
{%- endmacro %}
