{#-
    The load files of landing table `table_name` that an incremental staging model reads in this run: those the
    landing preflight marked `new` in landing.load_files (not in the staging table, by load_id and fingerprint).
    A staged file rewritten or removed since it was staged stops the run with the files named: its staged rows no
    longer match the landing folder, so staging re-reads it in full (`dbt build --full-refresh`; `make build`
    and Dagster pass it by themselves when the preflight reports such a file). Only called when is_incremental().
-#}
{% macro new_load_ids(table_name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set changes = run_query(
        "select load_id, staging_change from " ~ source('landing', 'load_files')
        ~ " where table_name = '" ~ table_name ~ "' and staging_change in ('new', 'rewritten', 'removed') order by load_id"
    ) -%}
    {%- set restaged = [] -%}
    {%- set new = [] -%}
    {%- for row in changes.rows -%}
        {%- do (new if row[1] == 'new' else restaged).append(row[0]) -%}
    {%- endfor -%}
    {%- if restaged -%}
        {{ exceptions.raise_compiler_error(
            table_name ~ " load file(s) " ~ (restaged[:5] | join(', ')) ~ (' ...' if restaged | length > 5 else '')
            ~ " were rewritten or removed since they were staged, so the staged rows no longer match the landing folder. "
            ~ "Fix: rebuild staging from the landing folder with `dbt build --full-refresh` (make build and Dagster do this by themselves)."
        ) }}
    {%- endif -%}
    {{ return(new) }}
{%- endmacro %}

{#- SQL condition: `column` is one of `values` (false for none). -#}
{% macro is_one_of(column, values) -%}
    {%- if values -%}
        {{ column }} in ({% for value in values %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- After `name as` in a CTE read twice: compute it where it is read rather than keep all its rows (DuckDB
    otherwise materialises such a CTE with every column; at 100M+ rows that spills). -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'engagement_warehouse')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}{%- endmacro %}

{% macro duckdb__not_materialized() -%}not materialized{%- endmacro %}

{#- SQL condition: the row came from an events load file staged in this run (the preflight marked it new), whatever
    its event date; incremental event models take these rows besides their window of event dates, so an event that
    lands late (a micro-batch, a load file of old events) reaches them without a backfill. `load_files`: the
    ledger's relation where source() is not at hand (a test's where hook); default the source. -#}
{% macro is_from_new_load_file(load_id_expression, load_files=none) -%}
    {{ load_id_expression }} in (
        select load_id from {{ load_files if load_files is not none else source('landing', 'load_files') }}
        where table_name = 'events' and staging_change = 'new'
    )
{%- endmacro %}
