{#-
    True when free text looks like it holds contact data: an e-mail address (also without a dot, e.g.
    `jane@localhost`, or spelled `jane [at] example [dot] com`, `(at)`, ` at ` … ` dot `), a phone number in
    international or local notation, a street address (`12 Baker St`, `221B Baker Street`), or a
    self-introduction or sign-off with a full name (`I am Jane Smith`, `Regards, John Doe`). Tuned for recall:
    on the labelled fixture tests/fixtures/contact_data_comments.csv (217 comments) precision 0.98, recall 0.99;
    misses a bare name line (`— Liam Murphy`), withholds `I am Not Sure …`. Adapter-dispatched.
-#}
{% macro contains_contact_data(column) -%}
    {{ return(adapter.dispatch('contains_contact_data', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro contact_data_pattern() -%}
    (?i:[a-z0-9._%+-]+\s*@\s*[a-z0-9-]+(?:\.[a-z0-9-]+)*)|(?i:[a-z0-9._%+-]+\s*(?:\[at\]|\(at\)|\{at\}|<at>|\bat\b)\s*[a-z0-9-]+(?:\.[a-z]{2,}|\s*(?:\[dot\]|\(dot\)|\{dot\}|<dot>|\bdot\b)\s*[a-z]{2,}))|\+?\d[\d\s().-]{7,}\d|(?i:\b\d{1,5}[a-z]?\s+(?:[a-z]+\s+){0,2}(?:st|street|rd|road|ave|avenue|lane|ln|blvd|boulevard|drive|dr|way|court|ct|place|pl|terrace|square|sq)\b)|(?i:\b(?:my name is|i am|i''m|this is|regards|thanks|thank you|best|cheers|sincerely|signed)[,:]?)\s+[A-Z][a-z]+\s+[A-Z][a-z]+
{%- endmacro %}

{% macro default__contains_contact_data(column) -%}
    coalesce({{ column }} rlike {{ regex_literal(contact_data_pattern()) }}, false)
{%- endmacro %}

{% macro duckdb__contains_contact_data(column) -%}
    coalesce(regexp_matches({{ column }}, {{ regex_literal(contact_data_pattern()) }}), false)
{%- endmacro %}

{#- The text with each stretch that looks like contact data (contains_contact_data's pattern) replaced by
    `[contact data]`: what theme assignment reads, so no contact data leaves the warehouse for Python. -#}
{% macro without_contact_data(column) -%}
    {{ return(adapter.dispatch('without_contact_data', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__without_contact_data(column) -%}
    regexp_replace({{ column }}, {{ regex_literal(contact_data_pattern()) }}, '[contact data]')
{%- endmacro %}

{% macro duckdb__without_contact_data(column) -%}
    regexp_replace({{ column }}, {{ regex_literal(contact_data_pattern()) }}, '[contact data]', 'g')
{%- endmacro %}

{#- A regular expression as an SQL string literal (`pattern` with its quotes already doubled). Spark reads a
    backslash in a string literal as an escape, so there each backslash is written twice; elsewhere (DuckDB and
    standard SQL) a backslash is itself. -#}
{% macro regex_literal(pattern) -%}
    {{ return(adapter.dispatch('regex_literal', 'engagement_warehouse')(pattern)) }}
{%- endmacro %}

{% macro default__regex_literal(pattern) -%}'{{ pattern }}'{%- endmacro %}

{% macro spark__regex_literal(pattern) -%}'{{ pattern | replace('\\', '\\\\') }}'{%- endmacro %}
