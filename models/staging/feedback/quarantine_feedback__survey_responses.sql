-- One row per refused raw survey_responses row, with its reason_code and load_id.
select * from {{ ref('base_feedback__survey_responses') }}
where row_disposition = 'quarantined'
