{{ config(materialized='table') }}

-- One row per raw subscription-change row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('billing', 'subscriptions') }}
),

currencies as (
    select * from {{ ref('currency_rates') }}
),

plans as (
    select * from {{ ref('plans') }}
),

customers as (
    {{ known_customer_keys() }}
),

typed as (
    select
        {{ without_contact_data_id("nullif(trim(subscription_id), '')") }} as subscription_id,
        nullif(trim(customer_id), '') as customer_id,
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        lower(trim(plan_id)) as plan_id,
        lower(trim(billing_interval)) as billing_interval,
        {{ safe_cast('amount', 'decimal(18, 2)') }} as amount,
        upper(trim(currency)) as currency,
        lower(trim(status)) as status,
        lower(trim(change_type)) as change_type,
        {{ parse_utc_timestamp('effective_at') }} as effective_at,
        effective_at as effective_at_text,
        {{ without_contact_data_label('lower(cancel_reason)') }} as cancel_reason,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.subscription_id is null then 'null_id'
            {{ timestamp_checks('typed.effective_at') }}
            when typed.amount is null or typed.amount < 0 then 'invalid_amount'
            when currencies.currency is null then 'unknown_currency'
            when typed.status not in ('trialing', 'active', 'canceled')
                or typed.change_type not in ('created', 'renewed', 'plan_changed', 'canceled', 'reactivated')
                or typed.billing_interval not in ('month', 'year')
                or (typed.plan_id is not null and plans.plan_id is null)
                then 'invalid_value'
            when customers.customer_key is null then 'orphan_customer'
        end as reason_code
    from typed
    left join currencies
        on typed.currency = currencies.currency
    left join plans
        on typed.plan_id = plans.plan_id
    left join customers
        on typed.customer_key = customers.customer_key
)

{{ select_with_disposition('checked', 'subscription_id, change_type, effective_at', ['customer_id', 'cancel_reason']) }}
