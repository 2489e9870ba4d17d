-- One row per raw table and row disposition/reason: how every landed row was accounted for, including the
-- rows of files the landing preflight set aside (disposition 'set_aside', the file's reason) and the erasure
-- requests (staged: applied; quarantined null_id: no customer id, so nobody to erase).
{%- set checked_models = [
    'base_app__events', 'base_app__customers', 'base_billing__subscriptions', 'base_billing__orders',
    'base_feedback__survey_responses', 'base_feedback__reviews', 'base_marketing__marketing_spend',
    'base_marketing__messages'
] %}

with load_files as (
    select * from {{ source('landing', 'load_files') }}
),

erasure_requests as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

erasure_request_rows as (
    select
        load_id,
        nullif(trim(customer_id), '') is null as has_no_customer_id
    from erasure_requests
),

dispositions as (
    {% for checked in checked_models %}
    select
        '{{ checked.split("__")[1] }}' as table_name,
        row_disposition,
        reason_code,
        count(*) as row_count,
        count(distinct load_id) as file_count
    from {{ ref(checked) }}
    group by row_disposition, reason_code
    union all
    {% endfor %}
    select
        'erasure_requests' as table_name,
        case when has_no_customer_id then 'quarantined' else 'staged' end as row_disposition,
        case when has_no_customer_id then 'null_id' end as reason_code,
        count(*) as row_count,
        count(distinct load_id) as file_count
    from erasure_request_rows
    group by has_no_customer_id
    union all
    select
        table_name,
        'set_aside' as row_disposition,
        reason_code,
        -- an unreadable file's rows are unknown: it counts as a file with no rows
        cast(sum(coalesce(row_count, 0)) as {{ dbt.type_bigint() }}) as row_count,
        count(*) as file_count
    from load_files
    where file_status = 'set_aside'
    group by table_name, reason_code
)

select
    table_name,
    row_disposition,
    reason_code,
    row_count,
    file_count,
    cast(sum(row_count) over (partition by table_name) as {{ dbt.type_bigint() }}) as raw_row_count
from dispositions
