{#- Stable pseudonymous key for an identifier: hash of the salted value (var pseudonym_salt). -#}
{% macro pseudonymous_key(column) -%}
    case when {{ column }} is not null then {{ dbt.hash(dbt.concat(["'" ~ var('pseudonym_salt') ~ ":'", column])) }} end
{%- endmacro %}
