{#- Statement(s) of a hook: replace the rows of `relation` where `replaced` (a condition on its columns) is true by
    the rows of the query `rows` (its columns in the table's order; none to delete only). -#}
{% macro replace_rows(relation, replaced, rows=none) -%}
    {{ return(adapter.dispatch('replace_rows', 'engagement_warehouse')(relation, replaced, rows)) }}
{%- endmacro %}

{% macro default__replace_rows(relation, replaced, rows) -%}
    delete from {{ relation }} where {{ replaced }}
    {%- if rows is not none %};
    insert into {{ relation }}
    {{ rows }}
    {%- endif -%}
{%- endmacro %}

{#- Spark's tables have no DELETE: the partitions (or the table) holding the rows are written again when the hook is
    rendered (spark_replace_rows, macros/spark.sql), and the hook has no statement left to run. A hook's relation is
    its own model's table, partitioned on the model's config partition_by, or the ledger of consumed load files. -#}
{% macro spark__replace_rows(relation, replaced, rows) -%}
    {%- if execute -%}
        {%- set is_this_model = relation.schema == this.schema and relation.identifier == this.identifier -%}
        {%- do spark_replace_rows(relation, replaced, none if rows is none else '(' ~ rows ~ ') as new_rows',
                                  config.get('partition_by') if is_this_model else none) -%}
    {%- endif -%}
{%- endmacro %}

{#- Statement of a hook: delete the rows of `relation` where `condition` is true. -#}
{% macro delete_rows(relation, condition) -%}
    {{ return(replace_rows(relation, condition)) }}
{%- endmacro %}
