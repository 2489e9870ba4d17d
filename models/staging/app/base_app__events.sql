{{ config(materialized='table') }}

-- One row per raw event row, typed, with the first failed check as reason_code and its disposition.
with checked as (
    select * from {{ ref('base_app__events_checked') }}
),

later_copies as (
    select * from {{ ref('base_app__events_later_copies') }}
),

dispositioned as (
    select
        checked.*,
        later_copies.load_id is not null as is_later_copy,
        {{ is_erased('checked.customer_key') }} as is_erased_customer
    from checked
    left join later_copies
        on checked.load_id = later_copies.load_id
        and checked.load_row_number = later_copies.load_row_number
)

select
    {{ star_without_erased_personal_data(['customer_id', 'ip_address'], ['is_erased_customer', 'is_later_copy']) }},
    {{ row_disposition(erased_when='is_erased_customer', is_later_copy='is_later_copy') }} as row_disposition
from dispositioned
