{#- What a build on Spark (EW_ENGINE=spark, docs/spark.md) does differently before the models' own SQL. -#}

{#-
    on-run-start: the landing tables a build reads. On DuckDB the preflight made them (views in the warehouse); on
    Spark they are the parquet folders engagement_warehouse.landing.spark wrote under $EW_SPARK_DIR/landing, one per
    dbt source in the schema `landing`, registered again at every run start (a new preflight replaces the files).
-#}
{% macro register_landing_tables() -%}
    {{ return(adapter.dispatch('register_landing_tables', 'engagement_warehouse')()) }}
{%- endmacro %}

{% macro default__register_landing_tables() -%}{%- endmacro %}

{% macro spark__register_landing_tables() -%}
    {%- if execute -%}
        {%- do register_parquet_folders('landing') -%}
        {#- The demo generator's manifest of injected faults (source generator, read by matches_injected_faults), where
            its tests run: the file sits beside the generator's landing files. -#}
        {%- if var('verify_injected_faults', true) -%}
            {%- set landing_dir = env_var('EW_LANDING_DIR', env_var('EW_DATA_DIR', (flags.PROJECT_DIR or '.') ~ '/data') ~ '/landing') -%}
            {%- set faults = source('generator', 'injected_faults') -%}
            {%- do run_query('create database if not exists ' ~ faults.schema) -%}
            {%- do run_query('drop table if exists ' ~ faults) -%}
            {%- do run_query('create table ' ~ faults ~ " using parquet location '" ~ landing_dir ~ "/_generator/injected_faults.parquet'") -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
    run-operation (Spark only), after `make statistics` wrote the Python statistics as parquet folders under
    $EW_SPARK_DIR/statistics: they become the tables of the dbt source `statistics` (database `statistics`).
-#}
{% macro register_statistics_tables() -%}
    {%- if target.type != 'spark' -%}
        {{ exceptions.raise_compiler_error("register_statistics_tables is for Spark (EW_ENGINE=spark): on DuckDB the statistics write the warehouse itself") }}
    {%- endif -%}
    {%- do register_parquet_folders('statistics') -%}
{%- endmacro %}

{#- Spark: every dbt source table of database `schema` as a table over the parquet folder
    $EW_SPARK_DIR/<schema>/<table> (dropped and created again: the folder's files may have been replaced). -#}
{% macro register_parquet_folders(schema) -%}
    {%- set root = env_var('EW_SPARK_DIR', env_var('EW_DATA_DIR', (flags.PROJECT_DIR or '.') ~ '/data') ~ '/spark') ~ '/' ~ schema -%}
    {%- do run_query('create database if not exists ' ~ schema) -%}
    {%- for name in graph.sources.values() | selectattr('schema', 'equalto', schema) | map(attribute='identifier') | unique | sort -%}
        {%- do run_query('drop table if exists ' ~ schema ~ '.' ~ name) -%}
        {%- do run_query('create table ' ~ schema ~ '.' ~ name ~ " using parquet location '" ~ root ~ '/' ~ name ~ "'") -%}
    {%- endfor -%}
{%- endmacro %}

{#- The materialization of the models that are incremental on DuckDB. On Spark they are tables, rebuilt in full by
    every build, until the incremental strategies for Spark (insert_overwrite by event day) are written: their
    delete+insert and the ledger of consumed load files need deletes, which plain parquet tables do not have. -#}
{% macro incremental_or_table() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
