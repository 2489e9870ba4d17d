{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['load_id', 'load_row_number'],
        on_schema_change='fail'
    )
}}

-- One row per raw event row, typed, with the first failed check as reason_code and its disposition.
-- Incremental by load file: a run reads only the load files the preflight marked new, and decides again the
-- rows staged before that those files (or the customers and erasure requests since) can change:
--   * a copy of an event_id that arrives again: the earliest received valid copy wins, also when it comes in
--     a later file (the copy staged before becomes a duplicate);
--   * an orphan whose customer has arrived since: released (checked again; staged if nothing else fails);
--   * a row of a customer erased since: personal columns nulled, disposition 'erased' unless a duplicate.
-- Every other row keeps what it was given; the strategy replaces the decided rows by (load_id, load_row_number).
{%- set personal_columns = ['customer_id', 'ip_address'] %}
{%- if is_incremental() %}
{%- set new_load_ids = new_load_ids('events') %}
{%- set kept_columns = adapter.get_columns_in_relation(this) | map(attribute='name')
        | reject('in', ['reason_code', 'row_disposition']) | list %}
{%- endif %}

with

checked as {{ not_materialized() }} (
    {{ checked_events(new_load_ids if is_incremental() else none) }}
),

customers as (
    {{ known_customer_keys() }}
),

{% if is_incremental() -%}
staged_before as {{ not_materialized() }} (
    select * from {{ this }}
    -- a new file's rows are replaced, never decided twice (a second run without a new preflight)
    where not {{ is_one_of('load_id', new_load_ids) }}
),

-- Staged rows whose own disposition can change: an orphan whose customer is known now, or a row of a
-- customer erased since (its personal columns are still there). Key columns only.
changed_before as (
    select event_id, load_id, load_row_number
    from staged_before
    where reason_code = 'orphan_customer' and customer_key in (select customer_key from customers)
    union
    select event_id, load_id, load_row_number
    from staged_before
    where customer_id is not null and {{ is_erased('customer_key') }}
),

-- Event ids decided again: those of the new rows and of the changed rows. Every row staged before with one of
-- them takes part (deciding a row again without a change gives what it had), so all valid copies are ranked.
decided_event_ids as (
    select event_id from checked
    union
    select event_id from changed_before
),

rows_to_decide as (
    select {{ kept_columns | join(', ') }}, row_check_failure
    from checked
    union all
    select {{ kept_columns | join(', ') }}, nullif(reason_code, 'orphan_customer') as row_check_failure
    from staged_before
    where event_id in (select event_id from decided_event_ids)
    union all
    -- a row without event_id has no copies: only its own change counts
    select {% for column in kept_columns %}staged_before.{{ column }}, {% endfor %}nullif(staged_before.reason_code, 'orphan_customer') as row_check_failure
    from staged_before
    inner join changed_before
        on staged_before.load_id = changed_before.load_id
        and staged_before.load_row_number = changed_before.load_row_number
    where changed_before.event_id is null
),
{%- else %}
rows_to_decide as (
    select * from checked
),
{%- endif %}

rechecked as {{ not_materialized() }} (
    select
        rows_to_decide.*,
        coalesce(
            rows_to_decide.row_check_failure,
            case when rows_to_decide.customer_id is not null and customers.customer_key is null then 'orphan_customer' end
        ) as reason_code,
        {{ is_erased('rows_to_decide.customer_key') }} as is_erased_customer
    from rows_to_decide
    left join customers
        on rows_to_decide.customer_key = customers.customer_key
),

-- Ranked on key columns only: a window over whole rows sorts, and at 100M+ rows spills, every column.
later_copies as (
    select load_id, load_row_number
    from (
        select
            load_id,
            load_row_number,
            row_number() over (partition by event_id order by received_at, load_id, load_row_number) as copy_number
        from rechecked
        where reason_code is null
    ) ranked
    where copy_number > 1
),

dispositioned as (
    select
        rechecked.*,
        later_copies.load_id is not null as is_later_copy
    from rechecked
    left join later_copies
        on rechecked.load_id = later_copies.load_id
        and rechecked.load_row_number = later_copies.load_row_number
)

select
    {{ star_without_erased_personal_data(personal_columns, ['is_erased_customer', 'is_later_copy', 'row_check_failure']) }},
    {{ row_disposition(erased_when='is_erased_customer', is_later_copy='is_later_copy') }} as row_disposition
from dispositioned
