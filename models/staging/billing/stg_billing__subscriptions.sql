-- One row per subscription change (subscription_id, change_type, effective_at).
select
    subscription_id,
    customer_id,
    {{ pseudonymous_key('customer_id') }} as customer_key,
    plan_id,
    billing_interval,
    amount,
    currency,
    status,
    change_type,
    effective_at,
    cancel_reason,
    load_id
from {{ ref('base_billing__subscriptions') }}
where row_disposition = 'staged'
