{{ config(materialized='table') }}

-- One row per raw review row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('feedback', 'reviews') }}
),

customers as (
    {{ known_customer_keys() }}
),

typed as (
    select
        {{ without_contact_data_id("nullif(trim(review_id), '')") }} as review_id,
        nullif(trim(customer_id), '') as customer_id,
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        {{ without_contact_data_label('lower(trim(source))') }} as review_source,
        {{ whole_number('rating') }} as rating,
        review_text,
        {{ parse_utc_timestamp('created_at') }} as created_at,
        created_at as created_at_text,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.review_id is null then 'null_id'
            {{ timestamp_checks('typed.created_at') }}
            when typed.rating is null or typed.rating not between 1 and 5 then 'score_out_of_range'
            when typed.customer_id is not null and customers.customer_key is null then 'orphan_customer'
        end as reason_code
    from typed
    left join customers
        on typed.customer_key = customers.customer_key
)

{{ select_with_disposition('checked', 'review_id', ['customer_id', 'review_text']) }}
