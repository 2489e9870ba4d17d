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


def summary(settings: WarehouseSettings) -> str:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        counts = [(name, con.execute(f"select count(*) from {name}").fetchone()[0]) for name in KEY_MODELS]
        reconciliation = con.execute("""
            select table_name,
                   max(raw_row_count) as raw,
                   coalesce(sum(row_count) filter (where row_disposition = 'staged'), 0) as staged,
                   coalesce(sum(row_count) filter (where row_disposition = 'quarantined'), 0) as quarantined,
                   coalesce(sum(row_count) filter (where row_disposition = 'duplicate'), 0) as duplicates,
                   coalesce(sum(file_count) filter (where row_disposition = 'set_aside'), 0) as files_set_aside
            from marts.load_reconciliation group by table_name order by raw desc, table_name""").fetchall()
        headline = con.execute(HEADLINE_SQL).fetchone()
    lines = ["", "Built (rows):"] + [f"  {name:<42}{n:>12,}" for name, n in counts]
    if headline:
        month, mrr, nrr, churn, nps = headline
        lines += ["", f"Latest month {month}: MRR {figure(mrr, ',.0f')} (reporting currency), NRR {figure(nrr, '.1%')}, "
                      f"customer churn {figure(churn, '.1%')}, NPS {figure(nps, '.0f')}"]
    else:
        lines += ["", "No subscription months: MRR, NRR and churn marts are empty (no subscriptions landed)."]
    lines += ["", f"  {'raw table':<20}{'raw':>10}{'staged':>10}{'quarantined':>13}{'duplicates':>12}{'files set aside':>17}"]
    lines += [f"  {t:<20}{r:>10,}{s:>10,}{q:>13,}{d:>12,}{f:>17,}" for t, r, s, q, d, f in reconciliation]
    lines += [
        "",
        f"Published warehouse (open read-only): {settings.published_path}",
        f"  python -c \"import duckdb; print(duckdb.connect('{settings.published_path}', read_only=True)"
        ".sql('select * from marts.load_reconciliation'))\"",
        "Dagster UI: make dagster   (then http://127.0.0.1:3000)",
        "Dashboard:  make dashboard (then http://127.0.0.1:8501)    dbt docs + metric glossary: make docs",
    ]
    return "\n".join(lines)
