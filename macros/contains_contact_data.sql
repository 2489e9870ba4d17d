{#-
    True when free text looks like it holds contact data: an e-mail address (also without a dot, e.g.
    `jane@localhost`, with a full-width `＠`, or spelled `jane [at] example [dot] com`, `(at)`, ` at ` … ` dot `), an
    IPv4 or IPv6 address, a phone number in
    international or local notation, a street address (`12 Baker St`, `221B Baker Street`), or a
    self-introduction or sign-off with a full name (`I am Jane Smith`, `Regards, John Doe`). Tuned for recall:
    on the labelled fixture tests/fixtures/contact_data_comments.csv (217 comments) precision 0.98, recall 0.99;
    misses a bare name line (`— Liam Murphy`), withholds `I am Not Sure …`.
-#}
{% macro contains_contact_data(column) -%}
    {{ value_matches(column, contact_data_pattern()) }}
{%- endmacro %}

{% macro contact_data_pattern() -%}
    (?i:[a-z0-9._%+-]+\s*(?:@|＠)\s*[a-z0-9-]+(?:\.[a-z0-9-]+)*)|\b\d{1,3}(?:\.\d{1,3}){3}\b|{{ ipv6_pattern() }}|(?i:[a-z0-9._%+-]+\s*(?:\[at\]|\(at\)|\{at\}|<at>|\bat\b)\s*[a-z0-9-]+(?:\.[a-z]{2,}|\s*(?:\[dot\]|\(dot\)|\{dot\}|<dot>|\bdot\b)\s*[a-z]{2,}))|\+?\d[\d\s().-]{7,}\d|(?i:\b\d{1,5}[a-z]?\s+(?:[a-z]+\s+){0,2}(?:st|street|rd|road|ave|avenue|lane|ln|blvd|boulevard|drive|dr|way|court|ct|place|pl|terrace|square|sq)\b)|(?i:\b(?:my name is|i am|i''m|this is|regards|thanks|thank you|best|cheers|sincerely|signed)[,:]?)\s+[A-Z][a-z]+\s+[A-Z][a-z]+
{%- endmacro %}

{#- The text with each stretch that looks like contact data (contains_contact_data's pattern) replaced by
    `[contact data]`: what theme assignment reads, so no contact data leaves the warehouse for Python. -#}
{% macro without_contact_data(column) -%}
    {{ replace_matches(column, contact_data_pattern(), '[contact data]') }}
{%- endmacro %}

{#- `column` with every match of the regular expression `pattern` replaced by the text `replacement`. -#}
{% macro replace_matches(column, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_matches', 'engagement_warehouse')(column, pattern, replacement)) }}
{%- endmacro %}

{% macro default__replace_matches(column, pattern, replacement) -%}
    regexp_replace({{ column }}, {{ regex_literal(pattern) }}, '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__replace_matches(column, pattern, replacement) -%}
    regexp_replace({{ column }}, {{ regex_literal(pattern) }}, '{{ replacement }}', 'g')
{%- endmacro %}

{#- A regular expression as an SQL string literal (`pattern` with its quotes already doubled). Spark reads a
    backslash in a string literal as an escape, so there each backslash is written twice; elsewhere (DuckDB and
    standard SQL) a backslash is itself. -#}
{% macro regex_literal(pattern) -%}
    {{ return(adapter.dispatch('regex_literal', 'engagement_warehouse')(pattern)) }}
{%- endmacro %}

{% macro default__regex_literal(pattern) -%}'{{ pattern }}'{%- endmacro %}

{% macro spark__regex_literal(pattern) -%}'{{ pattern | replace('\\', '\\\\') }}'{%- endmacro %}

{#- Contact data inside a short value (a label such as a campaign, channel, device, country or touchpoint, an id,
    a URL): an e-mail address with a top-level domain, also with a full-width `＠`, URL-encoded (`%40`, `%2540`) or
    as `&#64;`, and a URL's user and password (`//jane:secret@host`); an IPv4 or IPv6 address; a phone number written
    with a leading + (also `＋`) and spaces, an area code in brackets, US-style groups (`555-867-5309`) or a national
    0 prefix and a space (`07700 900123`). Stricter than contact_data_pattern, which reads sentences, so ids and
    labels keep their other words: `webinar @ 10am`, `react@18.2.0`, `exp::b`, UUIDs, dates and date ranges
    (`2024-01-01+2024-12-31`) stay; a four-part version (`Chrome 120.0.0.0`) reads as an IPv4 address. -#}
{% macro contact_data_in_value_pattern() -%}
    (?i://[^/?#\s@＠]+(?:@|＠|%40)[a-z0-9.-]+|[^\s@＠/?&=#:;,<>()\[\]]+(?:@|＠|%40|%2540|&#64;)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})|\b\d{1,3}(?:\.\d{1,3}){3}\b|{{ ipv6_pattern() }}|[+＋]\d[\d ()]{6,}\d|\(\d{2,5}\)\s*\d{3,4}[\s.-]?\d{3,4}\b|\b\d{3}[\s.-]\d{3}[\s.-]\d{4}\b|\b0\d{3,4} \d{5,7}\b
{%- endmacro %}

{#- An IPv6 address: eight groups, or compressed (`::`) with at least two groups on one side, so A/B labels such as
    `exp::b` or timecodes such as `00:01:30:15` are not one. -#}
{% macro ipv6_pattern() -%}
    (?i:\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b[0-9a-f]{1,4}:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?|\b[0-9a-f]{1,4}::[0-9a-f]{1,4}:[0-9a-f]{1,4}\b)
{%- endmacro %}

{#- A label (campaign, channel, device type, country, touchpoint) with contact data in it, from an export that put
    a person into it (`winback jane@example.com`): the whole value becomes `[contact data <8 characters of its
    pseudonymous key>]`, because the rest of such a label is usually about the person too; two such labels stay two
    (a campaign is part of a spend row's key). Other values stay as they are. -#}
{% macro without_contact_data_label(column) -%}
    case
        when {{ may_hold_contact_data(column) }}
            then {{ dbt.concat(["'[contact data '", 'substr(' ~ pseudonymous_key(column) ~ ', 1, 8)', "']'"]) }}
        else {{ column }}
    end
{%- endmacro %}

{#- SQL condition: `column` holds a match of contact_data_in_value_pattern. The pattern is tried only on values with
    one of the characters every match needs (`@`, `＠`, `%`, `&#64;`, `+`, `＋`, `(`, `.`, `-`, a space or `:`): at L,
    100M+ event labels such as `google` or `DE` skip the regular expression, which costs about as much as reading the
    column. -#}
{% macro may_hold_contact_data(column) -%}
    (({%- for mark in ['@', '＠', '%', '&#64;', '+', '＋', '(', '.', '-', ' ', ':'] %}{{ dbt.position("'" ~ mark ~ "'", column) }} > 0{% if not loop.last %} or {% endif %}{% endfor -%})
        and {{ value_matches(column, contact_data_in_value_pattern()) }})
{%- endmacro %}

{#- A URL (page, referrer) with each stretch of contact data (contact_data_in_value_pattern) replaced by
    `[contact data]`: an e-mail in a path (`/users/jane@example.com/profile`, also `%40`) or an IP address. The
    path's other segments stay; personal query parameters are without_personal_url_parameters' part. -#}
{% macro without_contact_data_in_url(column) -%}
    case
        when {{ may_hold_contact_data(column) }}
            then {{ replace_matches(column, contact_data_in_value_pattern(), '[contact data]') }}
        else {{ column }}
    end
{%- endmacro %}

{#- An id (a row's own id, an event's anonymous_id) that is itself contact data, e.g. a tracker that uses the e-mail
    as the device id: replaced by its pseudonymous key, the same for every row of it, so copies, stitching and
    sessions still work. -#}
{% macro without_contact_data_id(column) -%}
    case when {{ may_hold_contact_data(column) }} then {{ pseudonymous_key(column) }} else {{ column }} end
{%- endmacro %}

{#- SQL condition: `column` holds a match of the regular expression `pattern` (false for null). -#}
{% macro value_matches(column, pattern) -%}
    {{ return(adapter.dispatch('value_matches', 'engagement_warehouse')(column, pattern)) }}
{%- endmacro %}

{% macro default__value_matches(column, pattern) -%}
    coalesce({{ column }} rlike {{ regex_literal(pattern) }}, false)
{%- endmacro %}

{% macro duckdb__value_matches(column, pattern) -%}
    coalesce(regexp_matches({{ column }}, {{ regex_literal(pattern) }}), false)
{%- endmacro %}
