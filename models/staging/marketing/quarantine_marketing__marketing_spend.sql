-- One row per refused raw marketing_spend row, with its reason_code and load_id.
-- Every column of the base model, whatever it holds (a pass-through by design).
select * from {{ ref('base_marketing__marketing_spend') }}  -- noqa: AM04
where row_disposition = 'quarantined'
