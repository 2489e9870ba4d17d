-- One row per refused raw orders row, with its reason_code and load_id.
select * from {{ ref('base_billing__orders') }}
where row_disposition = 'quarantined'
