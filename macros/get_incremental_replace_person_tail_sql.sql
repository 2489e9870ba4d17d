{#-
    Incremental strategy `replace_person_tail` for models with one row per person and period
    (sessions, person-days): the new batch holds, for each affected person, every row from some start onwards.
    Delete that person's existing rows from the batch's earliest value of the config `tail_column` (default
    `session_start`), then insert the batch — so recomputed sessions replace merged or split fragments instead of
    sitting beside them.
-#}
{% macro get_incremental_replace_person_tail_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    {%- set tail_column = person_tail_column() -%}
    {%- set recomputed = recomputed_person_tails(batch, tail_column) -%}
    {{ delete_person_tails(target, recomputed, tail_column) }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }}
{% endmacro %}

{#- The column a person's tail starts on: the model's config `tail_column`, session_start where it sets none. -#}
{% macro person_tail_column() -%}
    {{ return(config.get('tail_column', 'session_start')) }}
{%- endmacro %}

{#- Statement: delete the rows of `target` whose person is in `recomputed` (person_key, recompute_from) from their
    recompute_from on. -#}
{% macro delete_person_tails(target, recomputed, tail_column) -%}
    {{ return(adapter.dispatch('delete_person_tails', 'engagement_warehouse')(target, recomputed, tail_column)) }}
{%- endmacro %}

{#- Relation: each person of `batch` with the earliest `tail_column` value of their rows in it (recompute_from). -#}
{% macro recomputed_person_tails(batch, tail_column) -%}
    (select person_key, min({{ tail_column }}) as recompute_from from {{ batch }} group by person_key)
{%- endmacro %}

{#- SQL condition on a row of `target`: its person is in `recomputed` and the row is from their recompute_from on.
    A correlated EXISTS, in standard SQL (Spark's rewrite of the partitions uses it too). -#}
{% macro person_tail_condition(target, recomputed, tail_column) -%}
    exists (
        select 1
        from {{ recomputed }} as recomputed
        where recomputed.person_key = {{ target }}.person_key
            and {{ target }}.{{ tail_column }} >= recomputed.recompute_from
    )
{%- endmacro %}

{% macro default__delete_person_tails(target, recomputed, tail_column) -%}
    delete from {{ target }}
    where {{ person_tail_condition(target, recomputed, tail_column) }}
{%- endmacro %}

{#- DuckDB joins the batch's persons in `delete ... using`: at L, on person_daily_activity (7.9M rows, 74k persons
    recomputed) 0.02 s against 1.0–1.5 s for the correlated EXISTS. -#}
{% macro duckdb__delete_person_tails(target, recomputed, tail_column) -%}
    delete from {{ target }}
    using {{ recomputed }} as recomputed
    where recomputed.person_key = {{ target }}.person_key
        and {{ target }}.{{ tail_column }} >= recomputed.recompute_from
{%- endmacro %}
