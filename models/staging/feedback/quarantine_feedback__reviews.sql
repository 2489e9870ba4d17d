-- One row per refused raw reviews row, with its reason_code and load_id.
-- Every column of the base model, whatever it holds (a pass-through by design).
select * from {{ ref('base_feedback__reviews') }}  -- noqa: AM04
where row_disposition = 'quarantined'
