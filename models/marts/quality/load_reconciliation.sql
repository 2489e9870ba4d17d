-- One row per raw table and row disposition/reason: how every landed row was accounted for.
{%- set checked_models = [
    'base_app__events', 'base_app__customers', 'base_billing__subscriptions', 'base_billing__orders',
    'base_feedback__survey_responses', 'base_feedback__reviews', 'base_marketing__marketing_spend',
    'base_marketing__messages'
] %}

with dispositions as (
    {% for checked in checked_models %}
    select
        '{{ checked.split("__")[1] }}' as table_name,
        row_disposition,
        reason_code,
        count(*) as row_count
    from {{ ref(checked) }}
    group by row_disposition, reason_code
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    table_name,
    row_disposition,
    reason_code,
    row_count,
    sum(row_count) over (partition by table_name) as raw_row_count
from dispositions
