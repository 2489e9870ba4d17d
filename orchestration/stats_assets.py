"""Python assets: NPS/CSAT summaries and CLV models fitted on dbt inputs, written back for dbt.

Each asset reads its intermediate dbt model, computes everything in memory, and only then
replaces its table in the `statistics` schema in one transaction: a failed fit raises and
leaves the previous table as it was. On Spark (EW_ENGINE=spark) the same code runs in DuckDB on Spark's
tables (statistics_connection).
"""

from collections.abc import Callable, Sequence
from contextlib import contextmanager

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, Failure, MaterializeResult, asset

from engagement_warehouse.exact_sums import exact_sum
from engagement_warehouse.settings import WarehouseSettings
from engagement_warehouse.spark_tables import duckdb_file_of_build, write_parquet_folders
from engagement_warehouse.statistics import bg_nbd, clv, gamma_gamma, surveys
from engagement_warehouse.statistics import shifted_beta_geometric as sbg
from engagement_warehouse.statistics.fitting import FitError
from orchestration.dbt_assets import dbt_asset_key
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource
from orchestration.stats_contracts import CONTRACTS, SCHEMA, contract_check_specs, contract_results

GROUP = "statistics"
SURVEY_DIMENSIONS = ("plan_id", "country", "touchpoint")


# On Spark, what the statistics read (every table of these Spark databases) and the DuckDB file they run in.
SPARK_INPUT_SCHEMAS = ("intermediate", "reference")
SPARK_BRIDGE = "statistics_bridge.duckdb"  # not statistics.duckdb: the file's catalog would share the schema's name


@contextmanager
def statistics_connection(settings: WarehouseSettings, replaces: str):
    """The DuckDB connection a statistics asset reads its inputs from and writes its table statistics.<replaces> to: the
    warehouse. On Spark the bridge file $EW_SPARK_DIR/statistics_bridge.duckdb, with views over Spark's intermediate
    and reference tables (made again) and the statistics tables kept between runs (stored feedback themes are reused,
    as in the warehouse); when the block succeeds, the table `replaces` goes to $EW_SPARK_DIR/statistics/<table>/ as
    parquet, which a Spark run registers as a table of the dbt source `statistics` (macro register_statistics_tables)."""
    con = duckdb.connect(str(duckdb_file_of_build(settings, SPARK_BRIDGE, SPARK_INPUT_SCHEMAS)))
    try:
        yield con
        if settings.engine == "spark":
            write_parquet_folders(con, SCHEMA, [replaces], settings.spark_dir)
    finally:
        con.close()


def replace_table(con: duckdb.DuckDBPyConnection, name: str, rows: pa.Table) -> None:
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {SCHEMA}")
        con.register("new_rows", rows)
        con.execute(f"create or replace table {SCHEMA}.{name} as select * from new_rows")
        con.unregister("new_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


# What a statistics asset computes from its inputs: the rows of its table and the materialisation's metadata.
StatisticsComputation = Callable[[AssetExecutionContext, duckdb.DuckDBPyConnection], tuple[pa.Table, dict]]


def statistics_asset(table: str, deps: Sequence, description: str) -> Callable[[StatisticsComputation], AssetsDefinition]:
    """The asset statistics.<table>, the table named once: the decorated function computes the rows (and metadata) in
    statistics_connection; the asset then replaces the table in one transaction and checks the table as written
    against its contract, where stats_contracts.CONTRACTS has one (a blocking check: the marts wait for it)."""
    def decorate(compute: StatisticsComputation) -> AssetsDefinition:
        has_contract = table in CONTRACTS

        @asset(pool=WAREHOUSE_POOL, key=AssetKey([SCHEMA, table]), deps=deps, group_name=GROUP, description=description,
               check_specs=contract_check_specs(table) if has_contract else None)
        def statistics_table(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
            with statistics_connection(warehouse.settings(), replaces=table) as con:
                rows, metadata = compute(context, con)
                replace_table(con, table, rows)
                checks = contract_results(con, table) if has_contract else []
            for check in checks:
                if not check.passed:
                    context.log.error(f"{check.description}: the marts that read it are not built in this run, and the "
                                      "published copy keeps its last values")
            return MaterializeResult(check_results=checks, metadata=metadata)
        return statistics_table
    return decorate


def _settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("select setting, value from reference.reporting_settings").fetchall())


def _fit_or_fail(model: str, fit, *args):
    """The fit, or None when the data cannot identify the model (ValueError: too little or invalid input),
    so the rest still publishes; an optimiser failure on usable data stops the run and keeps the old table."""
    try:
        return fit(*args)
    except ValueError:
        raise
    except FitError as error:
        raise Failure(f"{model} fit failed, previous table kept: {error}") from error


# ---------------------------------------------------------------- surveys

# Explicit column types: without any survey answer the numpy columns are empty and carry no type of their own.
_GROUP_FIELDS = [("response_month", pa.timestamp("us")), ("dimension", pa.string()), ("dimension_value", pa.string())]
_NPS_SCHEMA = pa.schema(_GROUP_FIELDS + [
    ("respondents", pa.int64()), ("promoters", pa.int64()), ("passives", pa.int64()), ("detractors", pa.int64()),
    ("nps", pa.float64()), ("nps_lower", pa.float64()), ("nps_upper", pa.float64()), ("is_small_sample", pa.bool_())])
_CSAT_SCHEMA = pa.schema(_GROUP_FIELDS + [
    ("answers", pa.int64()), ("satisfied", pa.int64()), ("csat", pa.float64()), ("csat_lower", pa.float64()),
    ("csat_upper", pa.float64()), ("is_small_sample", pa.bool_())])


def _survey_counts(con: duckdb.DuckDBPyConnection, survey_type: str, latest_only: bool, count_columns: str) -> dict[str, np.ndarray]:
    """Answer counts per month for everyone and per value of each dimension, as numpy columns."""
    groups = ["select response_month, 'all' as dimension, 'all' as dimension_value, {counts} from answers group by response_month"]
    groups += [f"select response_month, '{d}', {d}, {{counts}} from answers group by response_month, {d}" for d in SURVEY_DIMENSIONS]
    latest = "and is_latest_in_month" if latest_only else ""
    sql = (f"with answers as (select * from intermediate.int_survey_answers where survey_type = '{survey_type}' {latest}) "
           + " union all ".join(g.format(counts=count_columns) for g in groups)
           + " order by 1, 2, 3")
    return con.execute(sql).fetchnumpy()


@statistics_asset("nps_summary", deps=[dbt_asset_key("int_survey_answers")],
                  description="NPS per month and per plan, country and touchpoint, with 95% adjusted-Wald intervals (SPEC §3).")
def nps_summary(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    counts = _survey_counts(con, "nps", latest_only=True, count_columns=(
        "count(*) as respondents, count(case when score >= 9 then 1 end) as promoters, "
        "count(case when score <= 6 then 1 end) as detractors"))
    n, promoters, detractors = counts["respondents"], counts["promoters"], counts["detractors"]
    lower, upper = surveys.nps_interval(promoters, detractors, n)
    rows = pa.table({
        "response_month": counts["response_month"], "dimension": counts["dimension"],
        "dimension_value": counts["dimension_value"], "respondents": n, "promoters": promoters,
        "passives": n - promoters - detractors, "detractors": detractors,
        "nps": 100.0 * (promoters - detractors) / n, "nps_lower": lower, "nps_upper": upper,
        "is_small_sample": n < surveys.SMALL_SAMPLE,
    }, schema=_NPS_SCHEMA)
    overall = rows.filter(pc.equal(rows["dimension"], "all"))
    return rows, {"rows": rows.num_rows, "months": overall.num_rows,
                  "respondents_latest_month": int(overall["respondents"][-1].as_py()) if overall.num_rows else 0}


@statistics_asset("csat_summary", deps=[dbt_asset_key("int_survey_answers")],
                  description="CSAT (share of 4–5 answers) per month and per plan, country and touchpoint, with 95% Wilson intervals.")
def csat_summary(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    counts = _survey_counts(con, "csat", latest_only=False, count_columns=(
        "count(*) as answers, count(case when score >= 4 then 1 end) as satisfied"))
    n, satisfied = counts["answers"], counts["satisfied"]
    lower, upper = surveys.wilson_interval(satisfied, n)
    rows = pa.table({
        "response_month": counts["response_month"], "dimension": counts["dimension"],
        "dimension_value": counts["dimension_value"], "answers": n, "satisfied": satisfied,
        "csat": satisfied / n, "csat_lower": lower, "csat_upper": upper,
        "is_small_sample": n < surveys.SMALL_SAMPLE,
    }, schema=_CSAT_SCHEMA)
    return rows, {"rows": rows.num_rows}


# ---------------------------------------------------------------- subscriptions (sBG)

LIFETIMES_SQL = """
select initial_plan_id, observed_periods, has_churned, count(*) as subscriptions
from intermediate.int_subscription_lifecycles
where lifecycle_number = 0
group by all
order by all
"""


def _period_discount_rate(monthly_rate: float, period_days: int) -> float:
    return (1.0 + monthly_rate) ** (period_days * 12 / 365.0) - 1.0


@statistics_asset("subscription_retention_fits",
                  deps=[dbt_asset_key("int_subscription_lifecycles"), dbt_asset_key("plans"), dbt_asset_key("reporting_settings")],
                  description="Shifted-beta-geometric churn fit per initial plan (first lifecycles), with projected survival and DERL.")
def subscription_retention_fits(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    monthly_rate = float(_settings(con)["monthly_discount_rate"])
    plans = con.execute("select plan_id, billing_period_days from reference.plans order by plan_id").fetchall()
    lifetimes = con.execute(LIFETIMES_SQL).fetchnumpy()
    records, metadata = [], {}
    for plan_id, period_days in plans:
        mine = lifetimes["initial_plan_id"] == plan_id
        periods, churned, count = lifetimes["observed_periods"][mine], lifetimes["has_churned"][mine], lifetimes["subscriptions"][mine]
        record = {"plan_id": plan_id, "billing_period_days": period_days, "subscriptions": int(count.sum()),
                  "churned": int(count[churned].sum()), "fit_status": "fitted"}
        try:
            fit = sbg.fit_lifetimes(periods, churned, count)
        except ValueError as not_identified:
            # Expected for young plans (e.g. annual plans before their first renewal date).
            record["fit_status"] = "insufficient_data"
            context.log.info(f"{plan_id}: {not_identified}")
            records.append(record)
            continue
        except FitError as error:
            raise Failure(f"shifted-beta-geometric fit for {plan_id} failed, previous table kept: {error}") from error
        params, period_rate = sbg.SbgParams.from_fit(fit), _period_discount_rate(monthly_rate, period_days)
        record.update(fit.as_metadata())
        record.update({
            "survival_after_1_period": float(sbg.survival(params, 1)),
            "survival_after_3_periods": float(sbg.survival(params, 3)),
            "survival_after_12_periods": float(sbg.survival(params, 12)),
            "period_discount_rate": period_rate,
            "derl_new_subscriber_periods": float(sbg.discounted_expected_residual_lifetime(params, 0, period_rate)),
        })
        metadata[f"{plan_id}_alpha"], metadata[f"{plan_id}_beta"] = fit.params["alpha"], fit.params["beta"]
        records.append(record)
    rows = pa.Table.from_pylist(records, schema=_RETENTION_SCHEMA)
    metadata["plans_fitted"] = sum(r["fit_status"] == "fitted" for r in records)
    return rows, metadata


_RETENTION_SCHEMA = pa.schema([
    ("plan_id", pa.string()), ("billing_period_days", pa.int32()), ("subscriptions", pa.int64()), ("churned", pa.int64()),
    ("fit_status", pa.string()), ("alpha", pa.float64()), ("beta", pa.float64()), ("alpha_se", pa.float64()),
    ("beta_se", pa.float64()), ("log_likelihood", pa.float64()), ("converged", pa.bool_()), ("iterations", pa.int64()),
    ("n_observations", pa.int64()), ("survival_after_1_period", pa.float64()), ("survival_after_3_periods", pa.float64()),
    ("survival_after_12_periods", pa.float64()), ("period_discount_rate", pa.float64()),
    ("derl_new_subscriber_periods", pa.float64()),
])


# ---------------------------------------------------------------- customers (BG/NBD × Gamma-Gamma + sBG)

# Spend is 0 (ignored by the models) for customers without repeat orders, so no column holds nulls.
BUYERS_SQL = """
select customer_key, frequency, recency_weeks, age_weeks, coalesce(mean_repeat_spend_usd, 0.0) as mean_repeat_spend_usd
from intermediate.int_customer_purchase_summary
order by customer_key
"""

ACTIVE_SUBSCRIPTIONS_SQL = """
select
    lifecycles.customer_key,
    lifecycles.paid_renewals,
    fits.alpha,
    fits.beta,
    fits.period_discount_rate,
    current_plan.price_usd
from intermediate.int_subscription_lifecycles as lifecycles
inner join statistics.subscription_retention_fits as fits on lifecycles.initial_plan_id = fits.plan_id
inner join reference.plans as current_plan on lifecycles.current_plan_id = current_plan.plan_id
where not lifecycles.has_churned and fits.fit_status = 'fitted'
"""


ORDER_VALUE_COLUMNS = ("p_alive", "expected_purchases", "expected_order_value_usd", "order_clv_usd")


@statistics_asset("customer_clv_predictions",
                  deps=[dbt_asset_key("int_customer_purchase_summary"), dbt_asset_key("int_subscription_lifecycles"),
                        AssetKey([SCHEMA, "subscription_retention_fits"]), dbt_asset_key("reporting_settings")],
                  description="Per customer: BG/NBD P(alive) and expected orders, Gamma-Gamma spend, sBG subscription value, "
                              "predictive CLV.")
def customer_clv_predictions(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    settings = _settings(con)
    margin, monthly_rate = float(settings["gross_margin"]), float(settings["monthly_discount_rate"])
    horizon = int(settings["clv_horizon_months"])
    buyers = con.execute(BUYERS_SQL).fetchnumpy()
    x, t_x, big_t, spend = buyers["frequency"], buyers["recency_weeks"], buyers["age_weeks"], buyers["mean_repeat_spend_usd"]
    repeat = (x > 0) & (spend > 0)
    try:
        purchase_fit = _fit_or_fail("BG/NBD", bg_nbd.fit, x, t_x, big_t)
        spend_fit = _fit_or_fail("Gamma-Gamma", gamma_gamma.fit, x[repeat], spend[repeat])
    except ValueError as not_identified:
        # e.g. no orders landed: order values stay null, subscription values and every other asset go on
        purchase_fit = spend_fit = None
        order_model_status = f"not fitted: {not_identified} (int_customer_purchase_summary has {len(x)} customers, " \
                             f"{int(repeat.sum())} with repeat orders)"
        context.log.warning(f"BG/NBD x Gamma-Gamma order model {order_model_status}")
    horizon_weeks = horizon * clv.WEEKS_PER_MONTH
    order_values = {name: pa.nulls(len(x), pa.float64()) for name in ORDER_VALUE_COLUMNS}
    if purchase_fit is not None:
        order_model_status = "fitted"
        purchases, spend_params = bg_nbd.BgNbdParams.from_fit(purchase_fit), gamma_gamma.GammaGammaParams.from_fit(spend_fit)
        order_values = {
            "p_alive": bg_nbd.probability_alive(purchases, x, t_x, big_t),
            "expected_purchases": bg_nbd.expected_purchases(purchases, horizon_weeks, x, t_x, big_t),
            "expected_order_value_usd": gamma_gamma.expected_mean_spend(spend_params, x, spend),
            "order_clv_usd": clv.predictive_clv(purchases, spend_params, x, t_x, big_t, spend,
                                                horizon_months=horizon, monthly_discount_rate=monthly_rate, margin=margin),
        }
        not_finite = not_finite_predictions(order_values)
        if not_finite:
            # A fit on the boundary (e.g. weeks of orders and little repeat buying: r and alpha huge, a and b near 0,
            # the dropout process not identified) can converge, yet its predictions overflow: not fitted, said why.
            params = ", ".join(f"{name}={value:.4g}" for name, value in purchase_fit.params.items())
            order_model_status = (f"not fitted: the BG/NBD fit is degenerate ({params}): {not_finite}; its predictions "
                                  "are left null (more weeks of order history usually identify it)")
            context.log.warning(f"BG/NBD x Gamma-Gamma order model {order_model_status}")
            order_values = {name: pa.nulls(len(x), pa.float64()) for name in ORDER_VALUE_COLUMNS}
    order_rows = pa.table({"customer_key": pa.array(buyers["customer_key"], pa.string()),
                           "frequency": x, "recency_weeks": t_x, "age_weeks": big_t,
                           **{name: pa.array(values, pa.float64()) for name, values in order_values.items()}})
    active = con.execute(ACTIVE_SUBSCRIPTIONS_SQL).fetchnumpy()
    derl = sbg.discounted_expected_residual_lifetime(sbg.SbgParams(active["alpha"], active["beta"]),
                                                     active["paid_renewals"], active["period_discount_rate"])
    subscription_rows = pa.table({"customer_key": pa.array(active["customer_key"], pa.string()),
                                  "subscription_clv_usd": pa.array(derl * active["price_usd"].astype(float) * margin, pa.float64())})
    con.register("order_rows", order_rows)
    con.register("subscription_rows", subscription_rows)
    rows = con.sql(f"""
        with subscriptions as (
            select customer_key, {exact_sum('subscription_clv_usd')} as subscription_clv_usd
            from subscription_rows group by customer_key
        )
        select
            coalesce(o.customer_key, s.customer_key) as customer_key,
            o.frequency, o.recency_weeks, o.age_weeks, o.p_alive, o.expected_purchases, o.expected_order_value_usd,
            o.order_clv_usd, s.subscription_clv_usd,
            coalesce(o.order_clv_usd, 0) + coalesce(s.subscription_clv_usd, 0) as predictive_clv_usd,
            (select max(as_of_at) from intermediate.int_customer_purchase_summary) as as_of_at
        from order_rows as o
        full outer join subscriptions as s on o.customer_key = s.customer_key
        order by customer_key
    """).to_arrow_table()
    con.unregister("order_rows")
    con.unregister("subscription_rows")
    return rows, {
        "order_model": order_model_status,
        **({f"bg_nbd_{k}": v for k, v in purchase_fit.as_metadata().items()} if purchase_fit else {}),
        **({f"gamma_gamma_{k}": v for k, v in spend_fit.as_metadata().items()} if spend_fit else {}),
        "customers": rows.num_rows, "horizon_months": horizon, "monthly_discount_rate": monthly_rate, "gross_margin": margin,
    }


def not_finite_predictions(values: dict[str, np.ndarray]) -> str:
    """What of a fit's predictions is not finite, as '<column> for <n> of <m> customers, ...'; empty when all are."""
    return ", ".join(f"{name} not finite for {int((~np.isfinite(column)).sum()):,} of {len(column):,} customers"
                     for name, column in values.items() if not np.isfinite(column).all())


statistics_assets = [nps_summary, csat_summary, subscription_retention_fits, customer_clv_predictions]
