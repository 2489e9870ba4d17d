-- One row per survey answer (response_id).
select
    response_id,
    customer_id,
    {{ pseudonymous_key('customer_id') }} as customer_key,
    survey_type,
    score,
    comment,
    touchpoint,
    responded_at,
    load_id
from {{ ref('base_feedback__survey_responses') }}
where row_disposition = 'staged'
