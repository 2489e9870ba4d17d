{{ config(materialized='table') }}

-- One row per raw review row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('feedback', 'reviews') }}
),

customers as (
    {{ known_customer_ids() }}
),

typed as (
    select
        nullif(trim(review_id), '') as review_id,
        nullif(trim(customer_id), '') as customer_id,
        lower(trim(source)) as review_source,
        cast(rating as integer) as rating,
        review_text,
        {{ parse_utc_timestamp('created_at') }} as created_at,
        created_at as created_at_text,
        {{ load_file_name('filename') }} as load_id
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.review_id is null then 'null_id'
            when typed.created_at is null then 'unparseable_timestamp'
            when typed.created_at > {{ future_cutoff() }} then 'future_timestamp'
            when typed.rating is null or typed.rating not between 1 and 5 then 'score_out_of_range'
            when typed.customer_id is not null and customers.customer_id is null then 'orphan_customer'
        end as reason_code
    from typed
    left join customers
        on typed.customer_id = customers.customer_id
)

select
    *,
    {{ row_disposition('review_id', 'load_id', is_erased('customer_id')) }} as row_disposition
from checked
