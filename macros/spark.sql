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

{#- on-run-start: the Dagster step that reads the statistics on Spark (EW_REGISTER_STATISTICS, set by
    orchestration.dbt_assets.run_dbt_build) registers the parquet folders the statistics assets wrote, as
    register_statistics_tables does after `make statistics`; elsewhere nothing. -#}
{% macro register_statistics_tables_for_dagster() -%}
    {%- if execute and target.type == 'spark' and env_var('EW_REGISTER_STATISTICS', '') -%}
        {%- do register_parquet_folders('statistics') -%}
    {%- endif -%}
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

{#- The column a Spark table of an incremental model is partitioned on (config partition_by); none on other engines,
    whose tables are not partitioned. Spark rewrites the partitions a run changes (spark_replace_rows). -#}
{% macro partitioned_on_spark(column) -%}
    {{ return(column if target.type == 'spark' else none) }}
{%- endmacro %}

{#-
    Spark: the incremental strategies of the project, on plain parquet tables (no table format with DELETE or MERGE
    installs offline; docs/spark.md). dbt-spark accepts append, merge, insert_overwrite and microbatch; these two
    project macros, which take precedence over dbt-spark's own of the same name, add `delete+insert` (rows of the
    target with a unique_key of the batch are replaced) and `replace_person_tail`
    (macros/get_incremental_replace_person_tail_sql.sql), both written as spark_replace_rows.
-#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy in ['delete+insert', 'replace_person_tail'] -%}
        {%- do return(raw_strategy) -%}
    {%- endif -%}
    {%- do return(dbt_spark.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) -%}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy not in ['delete+insert', 'replace_person_tail'] -%}
        {{ return(dbt_spark.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
    {%- endif -%}
    {#- The batch as a table first: the model's temporary view reads `this`, which the rewrite changes, and the
        rewrite reads the batch several times. -#}
    {%- set batch = api.Relation.create(schema=target.schema, identifier=target.identifier ~ '__dbt_batch') -%}
    {%- do run_query('drop table if exists ' ~ batch) -%}
    {%- do run_query('create table ' ~ batch ~ ' using parquet as select * from ' ~ source) -%}
    {%- if strategy == 'delete+insert' -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
        {%- set replaced -%}
            ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from {{ batch }})
        {%- endset -%}
    {%- else -%}
        {%- set tail_column = person_tail_column() -%}
        {%- set replaced = person_tail_condition(target, recomputed_person_tails(batch, tail_column), tail_column) -%}
    {%- endif -%}
    {%- do spark_replace_rows(target, replaced, batch, config.get('partition_by')) -%}
    {{ return('drop table ' ~ batch) }}
{%- endmacro %}

{#-
    Spark: replace the rows of `target` where `replaced` (a condition on its columns) is true by `rows` (a relation,
    or none to delete only), as `delete from target where replaced; insert into target select * from rows` would.
    Plain parquet tables cannot delete rows, so the part that changes is written again:
      * partitioned on `partition_column`: the partitions holding a replaced row or a new row are overwritten
        (dynamic partition overwrite) with their kept rows and the new ones, and a partition left with no row is
        dropped. A daily run rewrites the days it touches, not the table;
      * not partitioned (`partition_column` none: the identity map, the ledger of consumed load files): the table is
        written again, through a scratch table, since Spark does not overwrite a table its query reads.
    Runs its statements when rendered.
-#}
{% macro spark_replace_rows(target, replaced, rows=none, partition_column=none) -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='name') | join(', ') -%}
    {%- set new_rows = (' union all select ' ~ columns ~ ' from ' ~ rows) if rows is not none else '' -%}
    {%- set kept -%}
        select {{ columns }} from (
            select *, coalesce({{ replaced }}, false) as is_replaced from {{ target }}
        ) as target_rows
        where not is_replaced
    {%- endset -%}
    {%- if partition_column -%}
        {%- set touched = run_query(
            'select ' ~ partition_column ~ ' from ' ~ target ~ ' where ' ~ replaced
            ~ ((' union select ' ~ partition_column ~ ' from ' ~ rows) if rows is not none else ' group by 1')
        ).columns[0].values() -%}
        {%- if touched | length == 0 -%}
            {{ return(none) }}
        {%- endif -%}
        {#- The touched partitions as literals, so the scan of the table reads only them. -#}
        {%- set in_touched -%}
            {{ partition_column }} in ({% for value in touched %}{{ spark_partition_literal(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endset -%}
        {%- set kept_and_new = kept ~ ' and ' ~ in_touched ~ new_rows -%}
        {%- set left = run_query('select distinct ' ~ partition_column ~ ' from (' ~ kept_and_new ~ ') as rows_left').columns[0].values() -%}
        {%- do run_query('set spark.sql.sources.partitionOverwriteMode = DYNAMIC') -%}
        {%- do run_query('insert overwrite table ' ~ target ~ ' partition (' ~ partition_column ~ ') ' ~ kept_and_new) -%}
        {%- for value in touched if value not in left -%}
            {%- do run_query('alter table ' ~ target ~ ' drop if exists partition (' ~ partition_column ~ ' = ' ~ spark_partition_literal(value) ~ ')') -%}
        {%- endfor -%}
    {%- elif rows is not none or run_query('select 1 from ' ~ target ~ ' where ' ~ replaced ~ ' limit 1').rows | length > 0 -%}
        {%- set rewritten = api.Relation.create(schema=target.schema, identifier=target.identifier ~ '__dbt_rewritten') -%}
        {%- do run_query('drop table if exists ' ~ rewritten) -%}
        {%- do run_query('create table ' ~ rewritten ~ ' using parquet as ' ~ kept ~ new_rows) -%}
        {%- do run_query('insert overwrite table ' ~ target ~ ' select ' ~ columns ~ ' from ' ~ rewritten) -%}
        {%- do run_query('drop table ' ~ rewritten) -%}
    {%- endif -%}
{%- endmacro %}

{#- A partition value (a date or a text) as a Spark SQL literal. -#}
{% macro spark_partition_literal(value) -%}
    {%- if value is string -%}
        '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- else -%}
        date'{{ (value | string)[:10] }}'
    {%- endif -%}
{%- endmacro %}
