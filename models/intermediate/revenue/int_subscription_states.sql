-- One row per staged subscription change before the as-of date: the state it starts
-- (valid until the next change), its lifecycle, its MRR and whether it is a payment.
with

changes as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

rates as (
    select * from {{ ref('int_reporting_currency_rates') }}
),

clock as (
    select * from {{ ref('int_reporting_clock') }}
),

ordered as (
    select
        changes.*,
        lag(changes.status) over (partition by changes.subscription_id order by changes.effective_at) as previous_status,
        lead(changes.effective_at) over (partition by changes.subscription_id order by changes.effective_at) as next_change_at,
        -- Cancels strictly before this row: 0 during the first lifecycle, 1 after a reactivation, ...
        coalesce(sum(case when changes.change_type = 'canceled' then 1 else 0 end) over (
            partition by changes.subscription_id order by changes.effective_at
            rows between unbounded preceding and 1 preceding
        ), 0) as lifecycle_number
    from changes
    cross join clock
    where changes.effective_at < clock.as_of_at
)

select
    ordered.subscription_id,
    ordered.lifecycle_number,
    ordered.customer_key,
    ordered.plan_id,
    ordered.billing_interval,
    ordered.change_type,
    ordered.status,
    ordered.previous_status,
    ordered.effective_at as valid_from,
    ordered.next_change_at as valid_to,
    ordered.currency,
    -- MRR: an active paid state's price per month (annual / 12); trials and cancels carry 0.
    cast(
        case
            when ordered.status <> 'active' then 0
            when ordered.billing_interval = 'year' then ordered.amount / 12.0
            else ordered.amount
        end * rates.reporting_per_unit
        as {{ dbt.type_numeric() }}
    ) as mrr,
    -- Payments: a paid creation, a renewal (a trial's conversion is its first), a reactivation.
    -- A plan change moves MRR at once; the new price is billed at the next renewal.
    ordered.change_type in ('created', 'renewed', 'reactivated') and ordered.status = 'active' as is_payment,
    case
        when ordered.change_type in ('created', 'renewed', 'reactivated') and ordered.status = 'active'
            then ordered.amount
        else 0
    end as billed_amount_local,
    cast(
        case
            when ordered.change_type in ('created', 'renewed', 'reactivated') and ordered.status = 'active'
                then ordered.amount * rates.reporting_per_unit
            else 0
        end
        as {{ dbt.type_numeric() }}
    ) as billed_amount
from ordered
inner join rates on ordered.currency = rates.currency
