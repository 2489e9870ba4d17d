-- One row per refused raw marketing_spend row, with its reason_code and load_id.
select * from {{ ref('base_marketing__marketing_spend') }}
where row_disposition = 'quarantined'
