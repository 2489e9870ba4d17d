{#-
    Incremental strategy `replace_person_tail` for models with one row per person and period
    (sessions): the new batch holds, for each affected person, every row from some start onwards.
    Delete that person's existing rows from the batch's earliest `session_start`, then insert the
    batch — so recomputed sessions replace merged or split fragments instead of sitting beside them.
-#}
{% macro get_incremental_replace_person_tail_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
    delete from {{ target }}
    where exists (
        select 1
        from (
            select person_key, min(session_start) as recompute_from
            from {{ batch }}
            group by person_key
        ) recomputed
        where recomputed.person_key = {{ target }}.person_key
            and {{ target }}.session_start >= recomputed.recompute_from
    );

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }}
{% endmacro %}
