"""The contract of each table the statistics assets hand to dbt: what its readers (the statistics marts) rely on.

Each asset checks its new table right after writing it and reports one blocking asset check, `contract`: when a
rule fails, the marts that read the table are not built in that run, so the published copy keeps its last values.
A rule is a query counting the rows that break it; the check's metadata gives the count per rule.
"""

from dagster import AssetCheckResult, AssetCheckSpec, AssetKey, MetadataValue

SCHEMA = "statistics"

# nps_summary and csat_summary share their grain
ONE_ROW_PER_SURVEY_GROUP = {
    "one row per month, dimension and value":
        "select count(*) from (select 1 from {table} group by response_month, dimension, dimension_value having count(*) > 1)",
}
# {table: {rule: query counting the rows that break it, on {table}}}
CONTRACTS: dict[str, dict[str, str]] = {
    "customer_clv_predictions": {
        "one row per customer_key, never null":
            "select count(*) from (select customer_key from {table} group by customer_key "
            "having count(*) > 1 or customer_key is null)",
        "p_alive in [0, 1] where an order model applies":
            "select count(*) from {table} where p_alive < 0 or p_alive > 1 or isnan(p_alive)",
        "values finite and not negative":
            "select count(*) from {table} where not (isfinite(predictive_clv_usd) and predictive_clv_usd >= 0) "
            "or expected_purchases < 0 or isnan(expected_purchases) or expected_order_value_usd <= 0",
    },
    "subscription_retention_fits": {
        "one row per plan_id, never null":
            "select count(*) from (select plan_id from {table} group by plan_id having count(*) > 1 or plan_id is null)",
        "a fitted plan has finite alpha, beta > 0":
            "select count(*) from {table} where fit_status = 'fitted' "
            "and not (isfinite(alpha) and isfinite(beta) and alpha > 0 and beta > 0)",
    },
    "nps_summary": {
        **ONE_ROW_PER_SURVEY_GROUP,
        # the adjusted-Wald interval is centred on a shrunk estimate, so it need not contain nps itself
        "nps and its interval in [-100, 100], lower <= upper":
            "select count(*) from {table} where not (nps between -100 and 100 and nps_lower between -100 and 100 "
            "and nps_upper between -100 and 100 and nps_lower <= nps_upper)",
        "promoters + passives + detractors = respondents > 0":
            "select count(*) from {table} where promoters + passives + detractors <> respondents or respondents <= 0",
    },
    "csat_summary": {
        **ONE_ROW_PER_SURVEY_GROUP,
        "csat in [0, 1] and inside its Wilson interval":
            "select count(*) from {table} where not (csat between 0 and 1 and csat_lower <= csat and csat <= csat_upper)",
        "satisfied <= answers, answers > 0":
            "select count(*) from {table} where satisfied > answers or answers <= 0",
    },
}


def contract_check_specs(table: str) -> list[AssetCheckSpec]:
    rules = "; ".join(CONTRACTS[table])
    return [AssetCheckSpec("contract", asset=AssetKey([SCHEMA, table]), blocking=True,
                           description=f"What the statistics marts rely on in {SCHEMA}.{table}: {rules}.")]


def contract_results(con, table: str) -> list[AssetCheckResult]:
    """The table's contract check, as just written: passed when no row breaks any rule."""
    broken = {rule: con.execute(query.format(table=f"{SCHEMA}.{table}")).fetchone()[0] for rule, query in CONTRACTS[table].items()}
    failed = "; ".join(f"'{rule}' broken by {count:,} row(s)" for rule, count in broken.items() if count)
    return [AssetCheckResult(check_name="contract", asset_key=AssetKey([SCHEMA, table]), passed=not failed,
                             description=f"{SCHEMA}.{table}: {failed}" if failed else None,
                             metadata={rule: MetadataValue.int(count) for rule, count in broken.items()})]
