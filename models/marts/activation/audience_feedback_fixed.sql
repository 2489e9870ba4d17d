-- One row per customer who complained about a theme before it was marked fixed in the last 90 days: tell them
-- what changed because of their feedback (the latest such fix when there are several).
with

fixes as (
    select * from {{ ref('feedback_fixed_themes') }}
),

mentions as (
    select * from {{ source('statistics', 'feedback_text_themes') }}
),

texts as (
    select * from {{ ref('int_feedback_texts') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

complaints_before_fix as (
    select
        texts.customer_key,
        fixes.theme,
        fixes.fixed_on,
        fixes.change_note,
        max(texts.submitted_at) as last_complained_at
    from mentions
    inner join texts on mentions.source = texts.source and mentions.text_id = texts.text_id
    inner join fixes on mentions.theme = fixes.theme
    where mentions.polarity = 'complaint'
        and texts.customer_key is not null
        and texts.submitted_at < fixes.fixed_on
    group by texts.customer_key, fixes.theme, fixes.fixed_on, fixes.change_note
),

latest_fix as (
    select
        *,
        row_number() over (partition by customer_key order by fixed_on desc, theme asc) as fix_rank
    from complaints_before_fix
)

select
    customers.customer_key,
    {{ consented_channel(['email', 'in_app', 'push']) }} as channel,
    'complained about ' || latest_fix.theme || ' before its fix on '
        || cast(latest_fix.fixed_on as {{ api.Column.translate_type('string') }}) as reason,
    latest_fix.theme,
    latest_fix.fixed_on,
    latest_fix.change_note,
    latest_fix.last_complained_at,
    customers.as_of_at
from latest_fix
inner join customers on latest_fix.customer_key = customers.customer_key
where latest_fix.fix_rank = 1
    and latest_fix.fixed_on <= customers.as_of_at
    and latest_fix.fixed_on >= {{ dbt.dateadd('day', -90, 'customers.as_of_at') }}
    and {{ consented_channel(['email', 'in_app', 'push']) }} is not null
