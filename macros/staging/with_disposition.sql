{#-
    The final select of a base model whose rows carry a customer_key: every row of `checked` (a CTE with reason_code,
    load_id, load_row_number) with its row_disposition — quarantined, duplicate (a later copy of `natural_key` by
    load order), erased (the customer asked to be erased) or staged — and the `personal_columns` nulled on an erased
    customer's rows (star_without_erased_personal_data).
-#}
{% macro select_with_disposition(checked, natural_key, personal_columns) -%}
select
    {{ star_without_erased_personal_data(personal_columns) }},
    {{ row_disposition(natural_key, 'load_id, load_row_number', 'is_erased_customer') }} as row_disposition
from (
    select
        *,
        {{ is_erased('customer_key') }} as is_erased_customer
    from {{ checked }}
) as dispositioned
{%- endmacro %}
