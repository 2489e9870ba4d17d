"""Revenue marts against the generator's records: billed revenue to the cent and churn by plan
against the planted shifted-beta-geometric retention."""

import duckdb
import numpy as np
import pytest
from conftest import BUILD_UP_TO_STATISTICS, generate_small, run_dbt, warehouse_env


@pytest.fixture(scope="module")
def revenue_warehouse(tmp_path_factory) -> tuple[str, dict]:
    """Five months of 6,000 customers (with the default 1% dirt): over 150 renewal decisions per monthly plan."""
    root = tmp_path_factory.mktemp("revenue")
    truth = generate_small(root / "landing", seed=11, customers=6000, days=150)
    env = warehouse_env(root, root / "landing")
    result = run_dbt(env, *BUILD_UP_TO_STATISTICS)
    assert result.returncode == 0, result.stdout[-5000:]
    return env["EW_WAREHOUSE_PATH"], truth


def test_billed_subscription_revenue_equals_what_the_generator_billed(revenue_warehouse, built_warehouse):
    for path, truth in (revenue_warehouse, (built_warehouse[0]["EW_WAREHOUSE_PATH"], built_warehouse[1])):
        with duckdb.connect(path, read_only=True) as con:
            billed = dict(con.execute("select currency, cast(round(sum(billed_amount_local) * 100) as bigint) "
                                      "from intermediate.int_subscription_states where is_payment group by currency").fetchall())
        assert billed == truth["billed_cents_by_currency"]


def test_renewal_churn_of_each_monthly_plan_matches_the_planted_retention(revenue_warehouse):
    """A subscriber deciding for the k-th time churns with E[θ | k − 1 renewals] = α / (α + β + k − 1)
    (Fader & Hardie 2007). Summed over decisions, observed − expected churners is a sum of martingale
    differences with variance Σ p(1 − p), so |observed − expected| < 3 standard deviations fails by
    chance about 3 times in 1,000 per plan."""
    path, truth = revenue_warehouse
    with duckdb.connect(path, read_only=True) as con:
        decisions = con.execute("""
            select initial_plan_id, decision_number, is_churn
            from intermediate.int_subscription_renewal_decisions
            where lifecycle_number = 0 and billing_interval = 'month'
        """).fetchnumpy()
    plans = np.unique(decisions["initial_plan_id"])
    assert set(plans) == {"basic_monthly", "pro_monthly", "team_monthly"}
    for plan in plans:
        mine = decisions["initial_plan_id"] == plan
        planted = truth["planted"]["sbg_by_initial_plan"][plan]
        p = planted["alpha"] / (planted["alpha"] + planted["beta"] + decisions["decision_number"][mine] - 1)
        observed, expected, sd = decisions["is_churn"][mine].sum(), p.sum(), np.sqrt((p * (1 - p)).sum())
        assert mine.sum() > 150, (plan, mine.sum())
        assert abs(observed - expected) < 3 * sd, (plan, observed, expected, sd)


def test_mrr_bridge_totals_chain_from_month_to_month(revenue_warehouse):
    path, _ = revenue_warehouse
    with duckdb.connect(path, read_only=True) as con:
        rows = con.execute("select start_mrr, end_mrr, customer_churn_rate from marts.mrr_monthly order by month_start").fetchall()
    assert len(rows) == 5  # June to October 2026
    assert rows[0][0] == 0
    assert all(later[0] == earlier[1] for earlier, later in zip(rows, rows[1:], strict=False))
    assert all(0 <= rate <= 1 for _, _, rate in rows[1:])
