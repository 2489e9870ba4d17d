-- One row per refused raw reviews row, with its reason_code and load_id.
select * from {{ ref('base_feedback__reviews') }}
where row_disposition = 'quarantined'
