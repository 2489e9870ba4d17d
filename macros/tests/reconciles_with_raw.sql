{#-
    Nothing is lost (SPEC §4): raw rows = staged + quarantined + removed duplicates.
    Applied to a staging model; `raw` is its source, `checked` the base model that assigned
    every raw row its disposition, `quarantine` the quarantine model. Returns one row, with
    the four counts, when they do not add up.
-#}
{% test reconciles_with_raw(model, raw, checked, quarantine) %}

with raw_rows as (
    select count(*) as row_count from {{ raw }}
),

staged_rows as (
    select count(*) as row_count from {{ model }}
),

quarantined_rows as (
    select count(*) as row_count from {{ quarantine }}
),

duplicate_rows as (
    select count(*) as row_count from {{ checked }} where row_disposition = 'duplicate'
)

select
    raw_rows.row_count as raw_rows,
    staged_rows.row_count as staged_rows,
    quarantined_rows.row_count as quarantined_rows,
    duplicate_rows.row_count as duplicate_rows
from raw_rows
cross join staged_rows
cross join quarantined_rows
cross join duplicate_rows
where raw_rows.row_count
    <> staged_rows.row_count + quarantined_rows.row_count + duplicate_rows.row_count

{% endtest %}
