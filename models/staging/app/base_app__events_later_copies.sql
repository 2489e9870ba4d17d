{{ config(materialized='table') }}

-- One row per raw event row that repeats an earlier valid copy of its event_id (earliest received
-- wins; quarantined copies never do). Ranked on key columns only: a window over whole rows sorts,
-- and at 100M+ rows spills, every column, which made base_app__events five times slower.
with checked as (
    select * from {{ ref('base_app__events_checked') }}
)

select load_id, load_row_number
from (
    select
        load_id,
        load_row_number,
        row_number() over (partition by event_id order by received_at, load_id, load_row_number) as copy_number
    from checked
    where reason_code is null
) ranked
where copy_number > 1
