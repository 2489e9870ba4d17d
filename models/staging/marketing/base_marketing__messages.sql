{{
    config(
        materialized='incremental',
        partition_by=partitioned_on_spark('load_id'),
        incremental_strategy='delete+insert',
        unique_key=['load_id', 'load_row_number'],
        on_schema_change='fail',
        pre_hook="{{ exact_join_filters_up_to(10000) }}",
        post_hook="{{ default_join_filters() }}"
    )
}}

-- One row per raw message row, typed, with reason_code and disposition.
-- Incremental by load file (macro staged_by_load_file), like base_app__events. Of the valid copies of a
-- message_id the earliest sent wins, also when it comes in a later file.
{{ staged_by_load_file('messages', checked_messages, natural_key='message_id',
                       copy_order='sent_at, load_id, load_row_number', personal_columns=['customer_id']) }}
