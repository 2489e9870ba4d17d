-- One row per refused raw messages row, with its reason_code and load_id.
select * from {{ ref('base_marketing__messages') }}
where row_disposition = 'quarantined'
