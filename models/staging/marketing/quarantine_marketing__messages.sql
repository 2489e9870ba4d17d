-- One row per refused raw messages row, with its reason_code and load_id.
-- Every column of the base model, whatever it holds (a pass-through by design).
select * from {{ ref('base_marketing__messages') }}  -- noqa: AM04
where row_disposition = 'quarantined'
