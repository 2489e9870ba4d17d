{#-
    The body of an incremental-by-load-file base model: one row per raw row, typed, with the first failed check as
    reason_code and its row_disposition (staged, quarantined, duplicate, erased).

    `checked(load_ids)` is the table's checker macro: its raw rows (of the load files `load_ids`, of every file when
    none), typed, with `row_check_failure` (the first failed check of the row on its own), `customer_id`,
    `customer_key`, `load_id`, `load_row_number` and `load_fingerprint`. This macro adds the orphan check (after the
    row's own checks), the erasure and the copy ranking: among valid rows with the same `natural_key`, the first by
    `copy_order` is kept and the others are duplicates. `personal_columns` are nulled in the rows of erased customers.

    A run reads only the load files the preflight marked new (new_load_ids) and decides again the rows staged
    before that those files, or the customers and erasure requests since, can change:
      * a copy of a natural key that arrives again: all valid copies are ranked again, so the first by copy_order
        wins also when it comes in a later file (the copy staged before becomes a duplicate);
      * an orphan whose customer has arrived since: released (checked again; staged if nothing else fails);
      * a row of a customer erased since: personal columns nulled, disposition 'erased' unless a duplicate.
    Every other row keeps what it was given; the model's delete+insert strategy on (load_id, load_row_number)
    replaces the decided rows. A full refresh decides every row the same way, so day by day equals a full build.
-#}
{% macro staged_by_load_file(table_name, checked, natural_key, copy_order, personal_columns) %}
{%- if is_incremental() %}
{%- set new_load_ids = new_load_ids(table_name) %}
{%- set kept_columns = adapter.get_columns_in_relation(this) | map(attribute='name')
        | reject('in', ['reason_code', 'row_disposition']) | list %}
{%- endif %}

with

checked as {{ not_materialized() }} (
    {{ checked(new_load_ids if is_incremental() else none) }}
),

customers as (
    {{ known_customer_keys() }}
),

{% if is_incremental() -%}
staged_before as {{ not_materialized() }} (
    select *, {{ staged_row_id() }} as staged_row_id from {{ this }}
    -- a new file's rows are replaced, never decided twice (a second run without a new preflight)
    where not {{ is_one_of('load_id', new_load_ids) }}
),

-- Staged rows whose own disposition can change: an orphan whose customer is known now, or a row of a
-- customer erased since (its personal columns are still there). Key columns only.
changed_before as (
    select {{ natural_key }}, staged_row_id
    from staged_before
    where {{ is_released_orphan('customers') }}
    union
    select {{ natural_key }}, staged_row_id
    from staged_before
    where customer_id is not null and {{ is_erased('customer_key') }}
),

-- Keys decided again: those of the new rows and of the changed rows. Every row staged before with one of them
-- takes part (deciding a row again without a change gives what it had), so all valid copies are ranked.
decided_keys as (
    select {{ natural_key }} from checked
    union
    select {{ natural_key }} from changed_before
),

-- The rows staged before that are decided again, found on key columns (a row without its key has no copies: only
-- its own change counts) and then read whole by row id: a semi-join on the key over whole rows read every column
-- of every staged row (L: 83.6M rows, 6.6 s of the model's 9.1 s).
rows_decided_again as (
    select staged_row_id from staged_before
    where {{ natural_key }} in (select {{ natural_key }} from decided_keys)
    union all
    select staged_row_id from changed_before
    where {{ natural_key }} is null
),

rows_to_decide as (
    select {{ kept_columns | join(', ') }}, row_check_failure
    from checked
    union all
    select {{ kept_columns | join(', ') }}, nullif(reason_code, 'orphan_customer') as row_check_failure
    from staged_before
    where staged_row_id in (select staged_row_id from rows_decided_again)
),
{%- else %}
rows_to_decide as (
    select * from checked
),
{%- endif %}

rechecked as {{ not_materialized() }} (
    select
        rows_to_decide.*,
        coalesce(
            rows_to_decide.row_check_failure,
            case when rows_to_decide.customer_id is not null and customers.customer_key is null then 'orphan_customer' end
        ) as reason_code,
        {{ is_erased('rows_to_decide.customer_key') }} as is_erased_customer
    from rows_to_decide
    left join customers
        on rows_to_decide.customer_key = customers.customer_key
),

-- Ranked on key columns only: a window over whole rows sorts, and at 100M+ rows spills, every column.
later_copies as (
    select load_id, load_row_number
    from (
        select
            load_id,
            load_row_number,
            row_number() over (partition by {{ natural_key }} order by {{ copy_order }}) as copy_number
        from rechecked
        where reason_code is null
    ) ranked
    where copy_number > 1
),

dispositioned as (
    select
        rechecked.*,
        later_copies.load_id is not null as is_later_copy
    from rechecked
    left join later_copies
        on rechecked.load_id = later_copies.load_id
        and rechecked.load_row_number = later_copies.load_row_number
)

select
    {{ star_without_erased_personal_data(personal_columns, ['is_erased_customer', 'is_later_copy', 'row_check_failure']) }},
    {{ row_disposition(erased_when='is_erased_customer', is_later_copy='is_later_copy') }} as row_disposition
from dispositioned
{% endmacro %}

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

{#- The raw rows of landing table `table_name` (`source_relation`) from the load files `load_ids` (every file when
    none), each with its file's fingerprint (size and modification time, from the preflight's ledger): what the
    checker of an incremental-by-load-file base model types and checks. -#}
{% macro rows_of_load_files(source_relation, table_name, load_ids) %}
    select landed.*, load_files.fingerprint as load_fingerprint
    from {{ source_relation }} as landed
    left join {{ source('landing', 'load_files') }} as load_files
        on landed.load_id = load_files.load_id
        and load_files.table_name = '{{ table_name }}'
    {%- if load_ids is not none %}
    where {{ is_one_of('landed.load_id', load_ids) }}
    {%- endif %}
{% endmacro %}

{#- SQL condition, on a staged row's own columns: it was quarantined as an orphan and its customer is known now
    (`known_customers`: a relation or CTE of known customer keys, known_customer_keys()), so this run releases it. -#}
{% macro is_released_orphan(known_customers) -%}
    reason_code = 'orphan_customer' and customer_key in (select customer_key from {{ known_customers }})
{%- endmacro %}

{#- SQL expression: a staged row's id in the table it is read from, one column (a semi-join on one column
    becomes a filter of the table scan). DuckDB's rowid, stable within a statement; elsewhere the row's
    load_id and load_row_number as text. -#}
{% macro staged_row_id() -%}
    {{ return(adapter.dispatch('staged_row_id', 'engagement_warehouse')()) }}
{%- endmacro %}

{% macro default__staged_row_id() -%}
    {{ dbt.concat(['load_id', "'#'", dbt.cast('load_row_number', api.Column.translate_type('string'))]) }}
{%- endmacro %}

{% macro duckdb__staged_row_id() -%}rowid{%- endmacro %}

{#- Pre-hook of the incremental-by-load-file base models: a hash join whose build side has at most `rows` rows
    filters the other side's table scan with the exact list of its values, so the scan of the staged table reads only
    the row groups of rows_decided_again's row ids. DuckDB's default (50 values) filters with a Bloom filter instead,
    whose false positives (at L 0.8% of 83.6M rows) reach every row group, and the scan then reads every column of
    every row: 7.5 s against 0.5 s. Not higher: the list is checked value by value (9,000 ids: 2.3 s against 0.8 s). -#}
{% macro exact_join_filters_up_to(rows) -%}
    {{ return(adapter.dispatch('exact_join_filters_up_to', 'engagement_warehouse')(rows)) }}
{%- endmacro %}

{% macro default__exact_join_filters_up_to(rows) -%}{%- endmacro %}

{% macro duckdb__exact_join_filters_up_to(rows) -%}set dynamic_or_filter_threshold = {{ rows }}{%- endmacro %}

{#- Post-hook: the connection's next model filters joins as DuckDB does by default. -#}
{% macro default_join_filters() -%}
    {{ return(adapter.dispatch('default_join_filters', 'engagement_warehouse')()) }}
{%- endmacro %}

{% macro default__default_join_filters() -%}{%- endmacro %}

{% macro duckdb__default_join_filters() -%}reset dynamic_or_filter_threshold{%- endmacro %}

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

{#- SQL condition: the row came from an events load file new to this model, whatever its event date: in a model with
    the config `consumes_load_files_of`, a file its upstream models have consumed and it has not (macro
    load_files_new_to_this_model); elsewhere (a test's where hook, with `load_files`, the ledger's relation where
    source() is not at hand), a file staged in this run (the preflight marked it new). Incremental event models
    take these rows besides their window of event dates, so an event that lands late (a micro-batch, a load file of
    old events) reaches them without a backfill or lookback days. -#}
{% macro is_from_new_load_file(load_id_expression, load_files=none) -%}
    {%- if load_files is none and config.get('consumes_load_files_of') -%}
    {{ load_id_expression }} in ({{ load_files_new_to_this_model() }})
    {%- else -%}
    {{ load_id_expression }} in (
        select load_id from {{ load_files if load_files is not none else source('landing', 'load_files') }}
        where table_name = 'events' and staging_change = 'new'
    )
    {%- endif -%}
{%- endmacro %}
