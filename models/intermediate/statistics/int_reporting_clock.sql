-- One row: the as-of moment of customer-base statistics (see var as_of_date; events count when nothing else landed).
with

latest_activity_per_source as (
    select max(ordered_at) as latest_at from {{ ref('stg_billing__orders') }}
    union all
    select max(effective_at) from {{ ref('stg_billing__subscriptions') }}
    union all
    select max(responded_at) from {{ ref('stg_feedback__survey_responses') }}
),

latest_activity as (
    select max(latest_at) as latest_at from latest_activity_per_source
),

latest_event as (
    select max(event_at) as latest_at from {{ ref('stg_app__events') }}
)

select
    {% if var('as_of_date') %}
        cast('{{ var("as_of_date") }}' as timestamp) as as_of_at
    {% else %}
        {{ dbt.dateadd('day', 1, dbt.date_trunc('day', 'coalesce(latest_activity.latest_at, latest_event.latest_at)')) }} as as_of_at
    {% endif %}
from latest_activity
cross join latest_event
