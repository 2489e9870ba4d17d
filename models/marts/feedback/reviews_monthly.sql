-- One row per month and review source: review count, average rating and the rating distribution.
with

reviews as (
    select * from {{ ref('stg_feedback__reviews') }}
)

select
    {{ dbt.date_trunc('month', 'created_at') }} as month_start,
    review_source,
    count(*) as reviews,
    avg(rating) as average_rating,
    count(case when rating = 1 then 1 end) as rating_1,
    count(case when rating = 2 then 1 end) as rating_2,
    count(case when rating = 3 then 1 end) as rating_3,
    count(case when rating = 4 then 1 end) as rating_4,
    count(case when rating = 5 then 1 end) as rating_5,
    count(customer_key) as reviews_by_customers
from reviews
group by 1, 2
