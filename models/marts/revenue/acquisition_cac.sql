-- One row per acquisition channel and month: marketing spend, new paying customers acquired by
-- the channel (first touch: the customer's acquisition_channel), CAC, LTV:CAC and payback.
with

spend as (
    select * from {{ ref('stg_marketing__marketing_spend') }}
),

landed_spend as (
    select * from {{ ref('base_marketing__marketing_spend') }}
),

rates as (
    select * from {{ ref('int_reporting_currency_rates') }}
),

customer_revenue as (
    select * from {{ ref('customer_revenue') }}
),

movements as (
    select * from {{ ref('mrr_movements') }}
),

reporting_settings as (
    select * from {{ ref('reporting_settings') }}
),

margin as (
    select cast(value as {{ dbt.type_float() }}) as gross_margin
    from reporting_settings
    where setting = 'gross_margin'
),

monthly_spend as (
    select
        spend.channel as acquisition_channel,
        {{ dbt.date_trunc('month', 'spend.spend_date') }} as month_start,
        sum({{ converted_amount('spend.amount', 'rates.reporting_per_unit') }}) as marketing_spend
    from spend
    inner join rates on spend.currency = rates.currency
    group by 1, 2
),

new_paying as (
    select
        customer_revenue.acquisition_channel,
        {{ dbt.date_trunc('month', 'customer_revenue.first_paid_at') }} as month_start,
        count(*) as new_paying_customers,
        avg(customer_revenue.historical_clv) as average_historical_clv,
        avg(coalesce(movements.end_mrr, 0)) as average_first_month_mrr
    from customer_revenue
    left join movements
        on customer_revenue.customer_key = movements.customer_key
        and {{ dbt.date_trunc('month', 'customer_revenue.first_paid_at') }} = movements.month_start
    group by 1, 2
),

-- Channels with a spend row landed, staged or not: in a month without a staged row their spend is unknown (rows
-- quarantined, or none exported), not zero. Channels with none (organic, referral, direct) cost nothing.
paid_channels as (
    select distinct channel as acquisition_channel
    from landed_spend
    where channel is not null
),

channel_months as (
    select
        coalesce(new_paying.acquisition_channel, monthly_spend.acquisition_channel) as acquisition_channel,
        coalesce(new_paying.month_start, monthly_spend.month_start) as month_start,
        monthly_spend.marketing_spend,
        coalesce(new_paying.new_paying_customers, 0) as new_paying_customers,
        new_paying.average_historical_clv,
        new_paying.average_first_month_mrr
    from new_paying
    full outer join monthly_spend
        on new_paying.acquisition_channel = monthly_spend.acquisition_channel
        and new_paying.month_start = monthly_spend.month_start
),

joined as (
    select
        channel_months.acquisition_channel,
        channel_months.month_start,
        case
            when channel_months.marketing_spend is not null then channel_months.marketing_spend
            when paid_channels.acquisition_channel is null then 0
        end as marketing_spend,
        channel_months.new_paying_customers,
        channel_months.average_historical_clv,
        channel_months.average_first_month_mrr
    from channel_months
    left join paid_channels on channel_months.acquisition_channel = paid_channels.acquisition_channel
)

select
    joined.acquisition_channel,
    joined.month_start,
    joined.marketing_spend,
    joined.new_paying_customers,
    {{ ratio('joined.marketing_spend', 'nullif(joined.new_paying_customers, 0)') }} as cac,
    joined.average_historical_clv,
    -- Null for unpaid channels (CAC 0): the ratio is unbounded, not informative.
    {{ ratio('joined.average_historical_clv', 'nullif(' ~ ratio('joined.marketing_spend', 'nullif(joined.new_paying_customers, 0)') ~ ', 0)') }}
        as historical_ltv_to_cac,
    joined.average_first_month_mrr,
    -- Months of gross-margin MRR of an average new customer needed to earn back their CAC.
    {{ ratio(ratio('joined.marketing_spend', 'nullif(joined.new_paying_customers, 0)'),
             'nullif(joined.average_first_month_mrr * margin.gross_margin, 0)') }} as payback_months
from joined
cross join margin
