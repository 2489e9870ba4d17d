{#- True when free text looks like it holds an e-mail address or a phone number (adapter-dispatched). -#}
{% macro contains_contact_data(column) -%}
    {{ return(adapter.dispatch('contains_contact_data', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__contains_contact_data(column) -%}
    ({{ column }} like '%@%' or {{ column }} like '%+%')
{%- endmacro %}

{% macro duckdb__contains_contact_data(column) -%}
    regexp_matches({{ column }}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+|\+?[0-9][0-9 ().-]{7,}[0-9]')
{%- endmacro %}
