{{ config(materialized='table') }}

-- One row per raw event row, typed, with the first failed check as reason_code and its disposition.
with checked as (
    select * from {{ ref('base_app__events_checked') }}
),

later_copies as (
    select * from {{ ref('base_app__events_later_copies') }}
)

select
    checked.*,
    -- Hashed once here: every reader of stg_app__events (a view) would otherwise hash 100M+ ids again.
    {{ pseudonymous_key('checked.customer_id') }} as customer_key,
    {{ row_disposition(erased_when=is_erased('customer_id'), is_later_copy='later_copies.load_id is not null') }} as row_disposition
from checked
left join later_copies
    on checked.load_id = later_copies.load_id
    and checked.load_row_number = later_copies.load_row_number
