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
    {%- set tail_column = config.get('tail_column', 'session_start') -%}
    delete from {{ target }}
    where exists (
        select 1
        from (
            select person_key, min({{ tail_column }}) as recompute_from
            from {{ batch }}
            group by person_key
        ) recomputed
        where recomputed.person_key = {{ target }}.person_key
            and {{ target }}.{{ tail_column }} >= recomputed.recompute_from
    );

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }}
{% endmacro %}
