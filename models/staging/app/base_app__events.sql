{{
    config(
        materialized='incremental',
        partition_by=partitioned_on_spark('load_id'),
        incremental_strategy='delete+insert',
        unique_key=['load_id', 'load_row_number'],
        on_schema_change='fail',
        pre_hook=["{{ withdraw_files_of_released_orphans() }}", "{{ exact_join_filters_up_to(10000) }}"],
        post_hook=["{{ record_consumed_load_files() }}", "{{ default_join_filters() }}"]
    )
}}

-- Its hooks read and write the per-model ledger of consumed load files, declared for the parse: {{ source('landing', 'consumed_load_files') }}

-- One row per raw event row, typed, with the first failed check as reason_code and its disposition.
-- Incremental by load file (macro staged_by_load_file): a run reads only the load files the preflight marked new
-- and decides again the staged rows they, or the customers and erasure requests since, can change. Of the valid
-- copies of an event_id the earliest received wins, also when it comes in a later file.
{{ staged_by_load_file('events', checked_events, natural_key='event_id',
                       copy_order='received_at, load_id, load_row_number', personal_columns=['customer_id', 'ip_address', 'properties', 'page', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign']) }}
