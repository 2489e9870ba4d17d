{#-
    dbt's hook for a test's `where` config, extended by one placeholder: `__event_ids_of_new_load_files__` stands
    for the event ids of the rows staged from the load files the preflight marked new. Uniqueness tests on the
    100M-row event tables are scoped with it: a full build reads every file as new, so it (and CI) scans
    everything; an incremental run checks every row that shares an event id with what it staged (duplicates
    across loads included) instead of grouping the whole table.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- if '__event_ids_of_new_load_files__' in where -%}
            {%- set staged_events = api.Relation.create(database=relation.database, schema='staging', identifier='stg_app__events') -%}
            {%- set load_files = api.Relation.create(database=relation.database, schema='landing', identifier='load_files') -%}
            {%- set where = where | replace('__event_ids_of_new_load_files__',
                'select event_id from ' ~ staged_events ~ ' where load_id in (select load_id from ' ~ load_files
                ~ " where table_name = 'events' and staging_change = 'new')") -%}
        {%- endif -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
