{#-
    One row per raw event row (of the load files `load_ids`, or of every file when none), typed, with the
    first failed check of the row on its own as `row_check_failure` (the orphan check needs the customers, so
    base_app__events makes it, also again for rows staged earlier). A macro rather than an ephemeral model:
    base_app__events reads it twice (all columns, and key columns to rank copies), and a CTE it can mark
    `not materialized` is computed where it is read instead of being held with every column (which spills).
-#}
{% macro checked_events(load_ids=none) %}
    with source as (
        {{ rows_of_load_files(source('app', 'events'), 'events', load_ids) }}
    ),

    event_types as (
        select * from {{ ref('event_types') }}
    ),

    typed as (
        select
            -- Contact data in an id, a URL or a label (a tracker or export that put a person there) stays in the
            -- landing folder: ids become pseudonymous keys, stretches of URLs and whole labels `[contact data]`.
            {{ without_contact_data_id("nullif(trim(source.event_id), '')") }} as event_id,
            {{ without_contact_data_id("nullif(trim(source.anonymous_id), '')") }} as anonymous_id,
            nullif(trim(source.customer_id), '') as customer_id,
            -- Hashed once here: every reader of stg_app__events (a view) would otherwise hash 100M+ ids again.
            {{ pseudonymous_key("nullif(trim(source.customer_id), '')") }} as customer_key,
            lower(trim(source.event_type)) as event_type,
            {{ parse_utc_timestamp('source.client_timestamp') }} as event_at,
            source.client_timestamp as client_timestamp_text,
            -- Without a collector time (an export that has none) the client time stands in.
            coalesce({{ parse_utc_timestamp('source.received_at') }}, {{ parse_utc_timestamp('source.client_timestamp') }}) as received_at,
            source.received_at is not null and {{ parse_utc_timestamp('source.received_at') }} is null as has_unparseable_received_at,
            {{ without_personal_url_parameters(without_contact_data_in_url('source.page')) }} as page,
            {{ without_personal_url_parameters(without_contact_data_in_url('source.referrer')) }} as referrer,
            {{ without_contact_data_label('lower(source.utm_source)') }} as utm_source,
            {{ without_contact_data_label('lower(source.utm_medium)') }} as utm_medium,
            {{ without_contact_data_label('source.utm_campaign') }} as utm_campaign,
            {{ without_contact_data_label('lower(source.platform)') }} as platform,
            {{ without_contact_data_label('lower(source.device_type)') }} as device_type,
            {{ without_contact_data_label('upper(source.country)') }} as country,
            source.ip_address,
            source.properties,
            source.load_id,
            source.load_row_number,
            source.load_fingerprint
        from source
    )

    select
        typed.*,
        case
            when typed.event_id is null or typed.anonymous_id is null then 'null_id'
            {{ timestamp_checks('typed.event_at', 'typed.received_at') }}
            when typed.has_unparseable_received_at then 'unparseable_timestamp'
            when event_types.event_type is null then 'unknown_event_type'
            -- No properties (null) is fine; text must be strict JSON.
            when typed.properties is not null and not {{ is_valid_json('typed.properties') }} then 'malformed_json'
        end as row_check_failure
    from typed
    left join event_types
        on typed.event_type = event_types.event_type
{% endmacro %}
