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
        lag(changes.status) over (partition by changes.subscription_id order by changes.effective_at, changes.change_type) as previous_status,
        lead(changes.effective_at) over (partition by changes.subscription_id order by changes.effective_at, changes.change_type) as next_change_at,
        -- Cancels strictly before this row: 0 during the first lifecycle, 1 after a reactivation, ...
        coalesce(sum(case when changes.change_type = 'canceled' then 1 else 0 end) over (
            partition by changes.subscription_id order by changes.effective_at
            rows between unbounded preceding and 1 preceding
        ), 0) as lifecycle_number
    from changes
    cross join clock
    where changes.effective_at < clock.as_of_at
),

classified as (
    select
        ordered.*,
        -- Payments: a paid creation, a renewal (a trial's conversion is its first), a reactivation.
        -- A plan change moves MRR at once; the new price is billed at the next renewal.
        ordered.change_type in ('created', 'renewed', 'reactivated') and ordered.status = 'active' as is_payment,
        -- A paid period starts at a paid creation, a trial's conversion (recorded as "renewed"
        -- after a trialing row) or a reactivation ...
        coalesce(
            (ordered.change_type = 'created' and ordered.status = 'active')
            or (ordered.change_type = 'renewed' and ordered.previous_status = 'trialing')
            or ordered.change_type = 'reactivated',
            false
        ) as starts_paid_period,
        -- ... and ends at a renewal decision: a renewal or a cancel of an active (not trialing) subscription.
        coalesce(ordered.previous_status = 'active' and ordered.change_type in ('renewed', 'canceled'), false) as ends_paid_period
    from ordered
)

select
    classified.subscription_id,
    classified.lifecycle_number,
    classified.customer_key,
    classified.plan_id,
    classified.billing_interval,
    classified.change_type,
    classified.status,
    classified.previous_status,
    classified.effective_at as valid_from,
    classified.next_change_at as valid_to,
    classified.currency,
    -- MRR: an active paid state's price per month (annual / 12); trials and cancels carry 0.
    cast(
        case
            when classified.status <> 'active' then 0
            when classified.billing_interval = 'year' then {{ ratio('classified.amount', '12') }}
            else classified.amount
        end * rates.reporting_per_unit
        as {{ dbt.type_numeric() }}
    ) as mrr,
    classified.is_payment,
    classified.starts_paid_period,
    classified.ends_paid_period,
    case when classified.is_payment then classified.amount else 0 end as billed_amount_local,
    cast(case when classified.is_payment then {{ converted_amount('classified.amount', 'rates.reporting_per_unit') }} else 0 end as {{ dbt.type_numeric() }})
        as billed_amount
from classified
inner join rates on classified.currency = rates.currency
