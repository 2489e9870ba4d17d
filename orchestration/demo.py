"""`make demo`: fresh demo data -> dbt build (through Dagster) -> published warehouse, then a summary."""

import argparse
import shutil
import sys
import time

import duckdb
from dagster import materialize

from engagement_warehouse.generator.cli import generate
from engagement_warehouse.generator.cli import _date as parse_date
from engagement_warehouse.settings import SettingsError, WarehouseSettings
from orchestration.definitions import defs
from orchestration.partitions import whole_landing_tags

KEY_MODELS = ("staging.stg_app__events", "staging.stg_app__customers", "staging.stg_billing__subscriptions",
              "staging.stg_billing__orders", "staging.stg_feedback__survey_responses", "staging.stg_marketing__messages",
              "marts.mrr_movements", "marts.customer_revenue", "marts.customer_predicted_value", "marts.fct_nps_monthly")

HEADLINE_SQL = """
select
    strftime(month_start, '%Y-%m') as month, end_mrr, net_revenue_retention, customer_churn_rate,
    (select nps from marts.fct_nps_monthly n where n.dimension = 'all' and n.response_month = m.month_start) as nps
from marts.mrr_monthly m
order by month_start desc
limit 1
"""


def summary(settings: WarehouseSettings) -> str:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        counts = [(name, con.execute(f"select count(*) from {name}").fetchone()[0]) for name in KEY_MODELS]
        reconciliation = con.execute("""
            select table_name,
                   max(raw_row_count) as raw,
                   sum(row_count) filter (where row_disposition = 'staged') as staged,
                   coalesce(sum(row_count) filter (where row_disposition = 'quarantined'), 0) as quarantined,
                   coalesce(sum(row_count) filter (where row_disposition = 'duplicate'), 0) as duplicates
            from marts.load_reconciliation group by table_name order by raw desc""").fetchall()
        month, mrr, nrr, churn, nps = con.execute(HEADLINE_SQL).fetchone()
    lines = ["", "Built (rows):"] + [f"  {name:<42}{n:>12,}" for name, n in counts]
    lines += ["", f"Latest month {month}: MRR {mrr:,.0f} (reporting currency), NRR {nrr:.1%}, "
                  f"customer churn {churn:.1%}, NPS {nps:.0f}"]
    lines += ["", f"  {'raw table':<20}{'raw':>10}{'staged':>10}{'quarantined':>13}{'duplicates':>12}"]
    lines += [f"  {t:<20}{r:>10,}{s:>10,}{q:>13,}{d:>12,}" for t, r, s, q, d in reconciliation]
    lines += [
        "",
        f"Published warehouse (open read-only): {settings.published_path}",
        f"  python -c \"import duckdb; print(duckdb.connect('{settings.published_path}', read_only=True)"
        ".sql('select * from marts.load_reconciliation'))\"",
        "Dagster UI: make dagster   (then http://127.0.0.1:3000)",
        "Dashboard:  make dashboard (then http://127.0.0.1:8501)    dbt docs + metric glossary: make docs",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the whole warehouse end to end on fresh demo data.")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", type=parse_date, default=parse_date("2026-06-01"))
    args = parser.parse_args(argv)
    try:
        settings = WarehouseSettings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    print(f"1/3 generating demo data into {settings.landing_dir}", flush=True)
    if settings.landing_dir.exists():
        shutil.rmtree(settings.landing_dir)
    settings.landing_dir.mkdir(parents=True)
    generate(settings.landing_dir, args.customers, args.days, args.seed, args.start_date, erasure_rate=0.002,
             progress=lambda m: print(m, flush=True))
    # Fresh data, fresh warehouse: incremental models must not keep rows of an earlier demo.
    settings.warehouse_path.unlink(missing_ok=True)
    print("2/3 dbt build + publish through Dagster", flush=True)
    result = materialize(list(defs.assets), resources=defs.resources, tags=whole_landing_tags(), raise_on_error=False)
    if not result.success:
        print("error: the Dagster run failed; see the log above for the failing model or test.", file=sys.stderr)
        return 1
    print(f"3/3 done in {time.perf_counter() - started:.0f} s")
    print(summary(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
