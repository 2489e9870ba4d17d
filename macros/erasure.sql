{#- SQL condition: the customer whose salted key is `key_expression` (a customer_key, i.e.
    pseudonymous_key of the source id) asked to be erased. The erasure list holds keys, never raw ids. -#}
{% macro is_erased(key_expression) -%}
    {{ key_expression }} in (select customer_key from {{ ref('stg_privacy__erasure_requests') }})
{%- endmacro %}

{#- Keys of customers that exist, erased or not: for orphan checks, so an erased customer's rows are erased, not orphans. -#}
{% macro known_customer_keys() -%}
    select distinct customer_key from {{ ref('base_app__customers') }} where row_disposition in ('staged', 'erased')
{%- endmacro %}

{#-
    The projection of a base model over a relation with the boolean column `is_erased_customer`: every
    column but the `helper_columns` (flags computed for this step), with `personal_columns` nulled on an erased customer's rows whatever their disposition
    (quarantined rows too), so nothing personal of theirs stays in the warehouse; the row keeps its
    salted customer_key and stays counted. Engine-specific star syntax, hence dispatched.
-#}
{% macro star_without_erased_personal_data(personal_columns, helper_columns=['is_erased_customer']) -%}
    {{ return(adapter.dispatch('star_without_erased_personal_data', 'engagement_warehouse')(personal_columns, helper_columns)) }}
{%- endmacro %}

{% macro default__star_without_erased_personal_data(personal_columns, helper_columns) -%}
    * except ({{ (helper_columns + personal_columns) | join(', ') }}),
    {%- for column in personal_columns %}
    case when is_erased_customer then null else {{ column }} end as {{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__star_without_erased_personal_data(personal_columns, helper_columns) -%}
    * exclude ({{ helper_columns | join(', ') }}) replace (
        {%- for column in personal_columns %}
        case when is_erased_customer then null else {{ column }} end as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
