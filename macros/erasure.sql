{#- SQL condition: the row's customer asked to be erased (stg_privacy__erasure_requests), matched on
    the source id or, past staging, on `key_column='customer_key'`. -#}
{% macro is_erased(customer_id_column, key_column='customer_id') -%}
    {{ customer_id_column }} in (select {{ key_column }} from {{ ref('stg_privacy__erasure_requests') }})
{%- endmacro %}

{#- Customer ids that exist, erased or not: for orphan checks, so an erased customer's rows are erased, not orphans. -#}
{% macro known_customer_ids() -%}
    select distinct customer_id from {{ ref('base_app__customers') }} where row_disposition in ('staged', 'erased')
{%- endmacro %}
