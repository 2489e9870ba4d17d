{#-
    Every fault the demo-data generator injected into `table_name` is found with the right
    outcome, and nothing else is: per reason code (and for removed duplicates) the count in
    the warehouse equals the count in the generator's manifest. Applied to a quarantine
    model. Disabled with var verify_injected_faults=false for data that has no manifest.
-#}
{% test matches_injected_faults(model, table_name, checked) %}
{{ config(enabled=var('verify_injected_faults', true)) }}

with expected as (
    select
        expected_outcome as outcome,
        sum(injected_rows) as expected_rows
    from {{ source('generator', 'injected_faults') }}
    where table_name = '{{ table_name }}'
    group by expected_outcome
),

found as (
    select
        reason_code as outcome,
        count(*) as found_rows
    from {{ model }}
    group by reason_code

    union all

    select
        'duplicate' as outcome,
        count(*) as found_rows
    from {{ checked }}
    where row_disposition = 'duplicate'
)

select
    coalesce(expected.outcome, found.outcome) as outcome,
    coalesce(expected.expected_rows, 0) as expected_rows,
    coalesce(found.found_rows, 0) as found_rows
from expected
full outer join found
    on expected.outcome = found.outcome
where coalesce(expected.expected_rows, 0) <> coalesce(found.found_rows, 0)

{% endtest %}
