"""What `make build` and `make demo` print at the end: row counts, the latest month's headline figures and
how every raw table's rows were accounted for, read from the published copy."""

import duckdb

from engagement_warehouse.settings import WarehouseSettings

# Marts only: the published copy holds no staging (see load_reconciliation below for staged rows per table).
KEY_MODELS = ("marts.fct_events", "marts.fct_sessions", "marts.dim_customers", "marts.fct_orders", "marts.mrr_movements",
              "marts.customer_revenue", "marts.customer_predicted_value", "marts.nps_monthly", "marts.engagement_daily")

HEADLINE_SQL = """
select
    strftime(month_start, '%Y-%m') as month, end_mrr, net_revenue_retention, customer_churn_rate,
    (select nps from marts.nps_monthly n where n.dimension = 'all' and n.response_month = m.month_start) as nps
from marts.mrr_monthly m
order by month_start desc
limit 1
"""


def figure(value, spec: str) -> str:
    """A figure formatted, or 'n/a' when the mart has none (no subscriptions, a first month without NRR)."""
    return "n/a" if value is None else format(value, spec)


# A table whose staged rows are fewer than this share of its rows that could be staged (not duplicates, not erased)
# gets a warning in the summary: beyond the dirt of a usual export (the demo's tables lose 2-6%), a format the build
# does not read (timestamps, amounts) or a whole table set aside (every customers file: every order an orphan) is
# the likelier cause.
MOSTLY_STAGED = 0.9

RECONCILIATION_SQL = """
select table_name,
       max(raw_row_count) as raw,
       coalesce(sum(row_count) filter (where row_disposition = 'staged'), 0) as staged,
       coalesce(sum(row_count) filter (where row_disposition = 'quarantined'), 0) as quarantined,
       coalesce(sum(row_count) filter (where row_disposition = 'duplicate'), 0) as duplicates,
       coalesce(sum(row_count) filter (where row_disposition = 'erased'), 0) as erased,
       coalesce(sum(row_count) filter (where row_disposition = 'set_aside'), 0) as set_aside,
       coalesce(sum(file_count) filter (where row_disposition = 'set_aside'), 0) as files_set_aside
from marts.load_reconciliation group by table_name order by raw desc, table_name
"""

# The largest reasons a table's rows were not staged, per table.
NOT_STAGED_REASONS_SQL = """
select table_name, row_disposition, reason_code, sum(row_count) as row_count, sum(file_count) as file_count
from marts.load_reconciliation
where row_disposition in ('quarantined', 'set_aside')
group by all
order by table_name, row_count desc, file_count desc, reason_code
"""


def mostly_not_staged(reconciliation, reasons) -> list[str]:
    """A warning per table that staged fewer than MOSTLY_STAGED of its rows, with its three largest reasons, and a
    line on where to look; rows as RECONCILIATION_SQL and NOT_STAGED_REASONS_SQL return them."""
    warnings = []
    for table, raw, staged, _quarantined, duplicates, erased, _set_aside, _files_set_aside in reconciliation:
        could_stage = raw - duplicates - erased
        if could_stage <= 0 or staged >= MOSTLY_STAGED * could_stage:
            continue
        largest = [f"{reason} ({f'{rows:,} rows' if disposition == 'quarantined' else f'{files:,} files set aside'})"
                   for name, disposition, reason, rows, files in reasons if name == table][:3]
        warnings.append(f"warning: {table}: {staged:,} of {could_stage:,} rows staged; not staged: {', '.join(largest)}.")
    if warnings:
        has_orphans = any("orphan_customer" in warning for warning in warnings)
        orphans = ("orphan_customer: the row's customer_id is in no staged customers row (absent, or quarantined itself); "
                   if has_orphans else "")
        warnings.append(f"  {orphans}set-aside files are named in the preflight report above; marts.load_reconciliation "
                        "counts every reason.")
    return warnings


def summary(settings: WarehouseSettings) -> str:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        counts = [(name, con.execute(f"select count(*) from {name}").fetchone()[0]) for name in KEY_MODELS]
        reconciliation = con.execute(RECONCILIATION_SQL).fetchall()
        reasons = con.execute(NOT_STAGED_REASONS_SQL).fetchall()
        headline = con.execute(HEADLINE_SQL).fetchone()
    lines = ["", "Built (rows):"] + [f"  {name:<42}{n:>12,}" for name, n in counts]
    if headline:
        month, mrr, nrr, churn, nps = headline
        lines += ["", f"Latest month {month}: MRR {figure(mrr, ',.0f')} (reporting currency), NRR {figure(nrr, '.1%')}, "
                      f"customer churn {figure(churn, '.1%')}, NPS {figure(nps, '.0f')}"]
    else:
        lines += ["", "No subscription months: MRR, NRR and churn marts are empty (no subscription staged)."]
    lines += ["", f"  {'raw table':<20}{'raw':>10} = {'staged':>10}{'quarantined':>13}{'duplicates':>12}{'erased':>8}"
                  f"{'set aside':>11} (in files)"]
    lines += [f"  {t:<20}{r:>10,} = {s:>10,}{q:>13,}{d:>12,}{e:>8,}{a:>11,} ({f:,})" for t, r, s, q, d, e, a, f in reconciliation]
    warnings = mostly_not_staged(reconciliation, reasons)
    lines += ["", *warnings] if warnings else []
    lines += [
        "",
        f"Published warehouse (open read-only): {settings.published_path}",
        f"  python -c \"import duckdb; print(duckdb.connect('{settings.published_path}', read_only=True)"
        ".sql('select * from marts.load_reconciliation'))\"",
        "Dagster UI: make dagster   (then http://127.0.0.1:3000)",
        "Dashboard:  make dashboard (then http://127.0.0.1:8501)    dbt docs + metric glossary: make docs",
    ]
    return "\n".join(lines)
