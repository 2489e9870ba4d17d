{#-
    Timestamp text to a UTC timestamp; null when unparseable. Read: ISO-8601 with or without a UTC offset (none: UTC),
    also with a space before the offset as Shopify and Ruby write it ('2026-11-03 14:22:10 -0500'), and Unix epoch
    seconds (10 digits) or milliseconds (13 digits) as Segment, Mixpanel and JavaScript export them.
-#}
{% macro parse_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{#- As trimmed text: a column a parquet file stores typed (a timestamp) reads as its text. -#}
{% macro timestamp_text(column) -%}
    trim(cast({{ column }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro default__parse_utc_timestamp(column) -%}
    {%- set text = timestamp_text(column) -%}
    case
        when {{ text }} rlike '^[0-9]{13}$' then timestamp_millis(cast({{ text }} as bigint))
        when {{ text }} rlike '^[0-9]{10}$' then timestamp_seconds(cast({{ text }} as bigint))
        else to_utc_timestamp(try_cast(regexp_replace({{ text }}, ' +([+-][0-9]{2}:?[0-9]{2})$', '$1') as timestamp), 'UTC')
    end
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(column) -%}
    {%- set text = timestamp_text(column) -%}
    case
        when regexp_full_match({{ text }}, '[0-9]{13}') then make_timestamp(cast({{ text }} as bigint) * 1000)
        when regexp_full_match({{ text }}, '[0-9]{10}') then make_timestamp(cast({{ text }} as bigint) * 1000000)
        else (try_cast(regexp_replace({{ text }}, ' +([+-][0-9]{2}:?[0-9]{2})$', '\1') as timestamptz) at time zone 'UTC')
    end
{%- endmacro %}
