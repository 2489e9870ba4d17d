-- One row per refused raw customers row, with its reason_code and load_id.
select * from {{ ref('base_app__customers') }}
where row_disposition = 'quarantined'
