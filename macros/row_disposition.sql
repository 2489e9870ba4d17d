{#-
    What staging does with a checked raw row: 'quarantined' when reason_code is set, else
    'duplicate' for any but the first copy of its natural key in `order_by` order, else 'erased'
    when `erased_when` (SQL) holds — the customer asked to be forgotten — else 'staged'.
    Quarantined rows never take the first place, so a broken copy cannot hide a good one.
    `is_later_copy` (SQL) replaces the window (and natural_key, order_by) for big tables that rank
    copies on key columns in a model of their own.
-#}
{% macro row_disposition(natural_key=none, order_by=none, erased_when=none, is_later_copy=none) -%}
    case
        when reason_code is not null then 'quarantined'
        {%- if is_later_copy %}
        when {{ is_later_copy }} then 'duplicate'
        {%- else %}
        when row_number() over (
            partition by {{ natural_key }}, reason_code is null
            order by {{ order_by }}
        ) > 1 then 'duplicate'
        {%- endif %}
        {%- if erased_when %}
        when {{ erased_when }} then 'erased'
        {%- endif %}
        else 'staged'
    end
{%- endmacro %}
