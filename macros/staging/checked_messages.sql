{#-
    One row per raw messages row (of the load files `load_ids`, or of every file when none), typed, with the first
    failed check of the row on its own as `row_check_failure`; base_marketing__messages adds the orphan check, the
    erasure and the copy ranking (staged_by_load_file).
-#}
{% macro checked_messages(load_ids=none) %}
    with source as (
        {{ rows_of_load_files(source('marketing', 'messages'), 'messages', load_ids) }}
    ),

    typed as (
        select
            {{ without_contact_data_id("nullif(trim(source.message_id), '')") }} as message_id,
            nullif(trim(source.customer_id), '') as customer_id,
            {{ pseudonymous_key("nullif(trim(source.customer_id), '')") }} as customer_key,
            lower(trim(source.channel)) as channel,
            {{ without_contact_data_label('source.campaign') }} as campaign,
            lower(trim(source.message_type)) as message_type,
            {{ parse_utc_timestamp('source.sent_at') }} as sent_at,
            source.sent_at as sent_at_text,
            {{ parse_utc_timestamp('source.delivered_at') }} as delivered_at,
            {{ parse_utc_timestamp('source.opened_at') }} as opened_at,
            {{ parse_utc_timestamp('source.clicked_at') }} as clicked_at,
            {{ parse_utc_timestamp('source.converted_at') }} as converted_at,
            {{ parse_utc_timestamp('source.unsubscribed_at') }} as unsubscribed_at,
            source.delivered_at is not null and {{ parse_utc_timestamp('source.delivered_at') }} is null
                or source.opened_at is not null and {{ parse_utc_timestamp('source.opened_at') }} is null
                or source.clicked_at is not null and {{ parse_utc_timestamp('source.clicked_at') }} is null
                or source.converted_at is not null and {{ parse_utc_timestamp('source.converted_at') }} is null
                or source.unsubscribed_at is not null and {{ parse_utc_timestamp('source.unsubscribed_at') }} is null
                as has_unparseable_outcome_time,
            {{ safe_cast('source.is_bounced', api.Column.translate_type('boolean')) }} as is_bounced,
            source.is_bounced is not null
                and {{ safe_cast('source.is_bounced', api.Column.translate_type('boolean')) }} is null as has_invalid_bounce_flag,
            source.load_id,
            source.load_row_number,
            source.load_fingerprint
        from source
    )

    select
        typed.*,
        case
            when typed.message_id is null then 'null_id'
            when typed.has_unparseable_outcome_time then 'unparseable_timestamp'
            {{ timestamp_checks('typed.sent_at') }}
            when typed.channel not in ('email', 'push', 'sms', 'in_app')
                or typed.message_type not in ('triggered', 'broadcast')
                or typed.has_invalid_bounce_flag
                then 'invalid_value'
        end as row_check_failure
    from typed
{% endmacro %}
