-- Every row the landing preflight counted in a table's files (read or set aside) is accounted for in
-- marts.load_reconciliation, and no more. A failure means the landing view lost or invented rows.
with ledger as (
    select
        table_name,
        sum(coalesce(row_count, 0)) as ledger_rows
    from {{ source('landing', 'load_files') }}
    group by table_name
),

reconciled as (
    select
        table_name,
        max(raw_row_count) as reconciled_rows
    from {{ ref('load_reconciliation') }}
    group by table_name
)

select
    coalesce(ledger.table_name, reconciled.table_name) as table_name,
    ledger.ledger_rows,
    reconciled.reconciled_rows
from ledger
full outer join reconciled
    on ledger.table_name = reconciled.table_name
where coalesce(ledger.ledger_rows, 0) <> coalesce(reconciled.reconciled_rows, 0)
