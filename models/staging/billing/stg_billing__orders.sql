-- One row per one-off order (order_id).
select
    order_id,
    customer_id,
    {{ pseudonymous_key('customer_id') }} as customer_key,
    ordered_at,
    amount,
    currency,
    status,
    status = 'refunded' as is_refunded,
    load_id
from {{ ref('base_billing__orders') }}
where row_disposition = 'staged'
