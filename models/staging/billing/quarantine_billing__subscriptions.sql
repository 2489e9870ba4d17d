-- One row per refused raw subscriptions row, with its reason_code and load_id.
select * from {{ ref('base_billing__subscriptions') }}
where row_disposition = 'quarantined'
