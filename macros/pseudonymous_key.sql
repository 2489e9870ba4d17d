{#- Stable pseudonymous key for an identifier: hash of the salted value (var pseudonym_salt). -#}
{% macro pseudonymous_key(column) -%}
    case when {{ column }} is not null then {{ dbt.hash(dbt.concat([pseudonym_salt_prefix(), column])) }} end
{%- endmacro %}

{#- The salt and its separator as a SQL string literal ('<salt>:'). The salt comes from EW_PSEUDONYM_SALT (dbt var
    pseudonym_salt); a quote or backslash in it would end the literal, so it is refused with the fix. -#}
{% macro pseudonym_salt_prefix() -%}
    {%- set salt = var('pseudonym_salt') | string -%}
    {%- if not salt or "'" in salt or "\\" in salt -%}
        {{ exceptions.raise_compiler_error("EW_PSEUDONYM_SALT (dbt var pseudonym_salt) must be set to a non-empty value "
            ~ "without quotes or backslashes: choose another secret value") }}
    {%- endif -%}
    {{ return("'" ~ salt ~ ":'") }}
{%- endmacro %}

{#- on-run-start of a build or run: stops it before any model when the customers this warehouse staged were keyed
    with another salt than the one set now (EW_PSEUDONYM_SALT changed, or unset after a build with it). A changed
    salt gives every customer a new key: incremental marts would hold both keys, and the permanent erasure list
    (stg_privacy__erasure_requests), keyed with the old salt, would no longer suppress customers whose request
    files are gone. A sample of staged customers decides: with another salt every key differs. -#}
{% macro check_pseudonym_salt() -%}
    {%- if execute and flags.WHICH in ['build', 'run', 'retry'] -%}
        {%- set customers = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', 'base_app__customers') | first -%}
        {%- set staged = adapter.get_relation(database=customers.database, schema=customers.schema, identifier=customers.alias) -%}
        {%- if staged is not none -%}
            {%- set sampled = run_query("select count(*), count(case when customer_key <> " ~ pseudonymous_key('customer_id')
                ~ " then 1 end) from (select customer_id, customer_key from " ~ staged
                ~ " where customer_id is not null and customer_key is not null limit 100) sampled").rows[0] -%}
            {%- if sampled[1] > 0 -%}
                {{ exceptions.raise_compiler_error(
                    "The pseudonym salt (EW_PSEUDONYM_SALT) is not the one this warehouse was built with: "
                    ~ sampled[1] ~ " of " ~ sampled[0] ~ " staged customers sampled in " ~ staged ~ " have keys made with another salt. "
                    ~ "The build stops before any model: a changed salt gives every customer a new customer_key, and the "
                    ~ "erasure list keeps the old keys, so erased customers whose request files are gone would be built again. "
                    ~ "Fix: set EW_PSEUDONYM_SALT back to the salt of this warehouse; to change the salt, build a new "
                    ~ "warehouse (another EW_WAREHOUSE_PATH, or delete this one) with every erasure request file still landed.") }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
