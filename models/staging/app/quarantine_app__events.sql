-- One row per refused raw events row, with its reason_code and load_id.
select * from {{ ref('base_app__events') }}
where row_disposition = 'quarantined'
