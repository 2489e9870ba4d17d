{{ config(materialized='table') }}

-- One row per raw survey-answer row, typed, with reason_code and disposition.
with source as (
    select * from {{ source('feedback', 'survey_responses') }}
),

customers as (
    {{ known_customer_keys() }}
),

typed as (
    select
        {{ without_contact_data_id("nullif(trim(response_id), '')") }} as response_id,
        nullif(trim(customer_id), '') as customer_id,
        {{ pseudonymous_key("nullif(trim(customer_id), '')") }} as customer_key,
        lower(trim(survey_type)) as survey_type,
        {{ whole_number('score') }} as score,
        comment,
        {{ without_contact_data_label('lower(touchpoint)') }} as touchpoint,
        {{ parse_utc_timestamp('responded_at') }} as responded_at,
        responded_at as responded_at_text,
        load_id,
        load_row_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.response_id is null then 'null_id'
            {{ timestamp_checks('typed.responded_at') }}
            when typed.survey_type not in ('nps', 'csat') then 'invalid_value'
            when typed.score is null
                or (typed.survey_type = 'nps' and typed.score not between 0 and 10)
                or (typed.survey_type = 'csat' and typed.score not between 1 and 5)
                then 'score_out_of_range'
            when customers.customer_key is null then 'orphan_customer'
        end as reason_code
    from typed
    left join customers
        on typed.customer_key = customers.customer_key
)

{{ select_with_disposition('checked', 'response_id', ['customer_id', 'comment']) }}
