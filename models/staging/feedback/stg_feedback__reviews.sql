-- One row per public review (review_id).
select
    review_id,
    customer_id,
    {{ pseudonymous_key('customer_id') }} as customer_key,
    review_source,
    rating,
    review_text,
    created_at,
    load_id
from {{ ref('base_feedback__reviews') }}
where row_disposition = 'staged'
