{#-
    Nothing is lost (SPEC §4): raw rows = staged + quarantined + removed duplicates + erased.
    Applied to a staging model; `raw` is its source, `checked` the base model that assigned
    every raw row its disposition, `quarantine` the quarantine model. Returns one row, with
    the five counts, when they do not add up.
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
),

erased_rows as (
    select count(*) as row_count from {{ checked }} where row_disposition = 'erased'
)

select
    raw_rows.row_count as raw_rows,
    staged_rows.row_count as staged_rows,
    quarantined_rows.row_count as quarantined_rows,
    duplicate_rows.row_count as duplicate_rows,
    erased_rows.row_count as erased_rows
from raw_rows
cross join staged_rows
cross join quarantined_rows
cross join duplicate_rows
cross join erased_rows
where raw_rows.row_count
    <> staged_rows.row_count + quarantined_rows.row_count + duplicate_rows.row_count + erased_rows.row_count

{% endtest %}
