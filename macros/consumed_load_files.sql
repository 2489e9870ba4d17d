{#-
    The per-model half of the events load-file ledger. landing.load_files (the preflight) says which files are in the
    landing folder and which staging has read; landing.consumed_load_files says which of them each incremental event
    model has taken in, one row per (model, load file), written by the model's post-hook (record_consumed_load_files).
    An event model reprocesses every event of a file its upstream models have consumed and it has not (config
    `consumes_load_files_of`: the models it reads events from), whatever the event's date. So late events need no
    lookback days, and a micro-batch that took new files to fct_events alone leaves them new to fct_sessions and the
    person-day marts until the daily refresh reprocesses them there.
-#}

{% macro consumed_load_files() -%}
    {{ return(source('landing', 'consumed_load_files')) }}
{%- endmacro %}

{#- Query: the events load files this model's upstream models (config consumes_load_files_of) have consumed and this
    model has not. -#}
{% macro load_files_new_to_this_model() -%}
    select load_id from {{ consumed_load_files() }}
    where {{ is_one_of('model_name', config.require('consumes_load_files_of')) }}
    except
    select load_id from {{ consumed_load_files() }} where model_name = '{{ this.identifier }}'
{%- endmacro %}

{#- Post-hook: this model has consumed what its upstream models have (every events file staging read, for the
    staging model itself). Written after a successful build only, so a failed run leaves the files new. -#}
{% macro record_consumed_load_files() -%}
    {%- set upstream = config.get('consumes_load_files_of') -%}
    {%- set consumed -%}
        {%- if upstream -%}
        select distinct '{{ this.identifier }}' as model_name, load_id from {{ consumed_load_files() }}
        where {{ is_one_of('model_name', upstream) }}
        {%- else -%}
        select '{{ this.identifier }}' as model_name, load_id from {{ source('landing', 'load_files') }}
        where table_name = 'events' and file_status = 'read'
        {%- endif -%}
    {%- endset -%}
    {{ replace_rows(consumed_load_files(), "model_name = '" ~ this.identifier ~ "'", consumed) }}
{%- endmacro %}

{#- Pre-hook of base_app__events: an orphan that this run releases (its customer has arrived since) becomes an event
    of a file the event models consumed while it was quarantined. Their consumption of that file is withdrawn, so they
    reprocess it, with the released event, whatever its date. -#}
{% macro withdraw_files_of_released_orphans() -%}
    {%- if is_incremental() -%}
    {%- set withdrawn -%}
        model_name <> '{{ this.identifier }}'
        and load_id in (
            select distinct load_id from {{ this }}
            where {{ is_released_orphan('(' ~ known_customer_keys() ~ ') as known_customers') }}
        )
    {%- endset -%}
    {{ delete_rows(consumed_load_files(), withdrawn) }}
    {%- endif -%}
{%- endmacro %}
