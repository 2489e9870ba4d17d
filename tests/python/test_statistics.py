"""The statistics module against published results (CDNOW, Fader & Hardie 2007, Newcombe 1998),
against parameters planted by our generator, and against properties the intervals must have."""

from datetime import UTC, datetime

import numpy as np
import pytest
from scipy.special import hyp2f1

from engagement_warehouse import cdnow
from engagement_warehouse.generator import population
from engagement_warehouse.generator.reference import load_plans
from engagement_warehouse.generator.truth import PlantedTruth
from engagement_warehouse.statistics import bg_nbd, clv, gamma_gamma, surveys
from engagement_warehouse.statistics import shifted_beta_geometric as sbg

# ---- CDNOW: Fader, Hardie & Lee (2005) and the Gamma-Gamma note (numbers from files/README.md) ----


@pytest.fixture(scope="module")
def cdnow_sample() -> cdnow.CalibrationSummary:
    return cdnow.summarise(cdnow.load_sample())


def test_cdnow_sample_matches_the_papers_setup(cdnow_sample):
    s = cdnow_sample
    assert len(s.customer) == 2357
    assert (s.frequency > 0).sum() == 946
    assert s.frequency.sum() == 2457
    assert s.holdout_purchases.sum() == 1882


def test_bg_nbd_reproduces_the_published_cdnow_fit(cdnow_sample):
    fit = bg_nbd.fit(cdnow_sample.frequency, cdnow_sample.recency, cdnow_sample.age)
    assert fit.converged
    assert {k: round(v, 3) for k, v in fit.params.items()} == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(fit.log_likelihood, 1) == -9582.4


def test_bg_nbd_reproduces_the_papers_worked_example(cdnow_sample):
    params = bg_nbd.BgNbdParams.from_fit(bg_nbd.fit(cdnow_sample.frequency, cdnow_sample.recency, cdnow_sample.age))
    assert round(float(bg_nbd.expected_purchases(params, 39, [2], [30.43], [38.86])[0]), 3) == 1.226


def test_gamma_gamma_reproduces_the_published_cdnow_fit(cdnow_sample):
    repeat = cdnow_sample.frequency > 0
    fit = gamma_gamma.fit(cdnow_sample.frequency[repeat], cdnow_sample.mean_repeat_spend[repeat])
    assert fit.n_observations == 946
    assert {k: round(v, 2) for k, v in fit.params.items()} == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert round(fit.log_likelihood, 1) == -4055.9


# ---- shifted-beta-geometric: Fader & Hardie (2007), Table 1 data and published estimates ----

HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


@pytest.mark.parametrize(("survivors", "alpha", "beta"), [(HIGH_END, 0.668, 3.806), (REGULAR, 0.704, 1.182)])
def test_sbg_reproduces_fader_hardie_2007(survivors, alpha, beta):
    fit = sbg.fit(survivors)
    assert (round(fit.params["alpha"], 3), round(fit.params["beta"], 3)) == (alpha, beta)


def test_derl_closed_form_equals_the_discounted_sum_of_survival():
    params = sbg.SbgParams(0.668, 3.806)
    periods = np.arange(0, 4000)
    survival = sbg.survival(params, periods)
    for renewals in (0, 1, 4, 10):
        d = 0.1
        # Payments at renewals+1, renewals+2, ... given survival to renewals; the next one undiscounted.
        direct = sum(survival[renewals + 1 + k] / survival[renewals] / (1 + d) ** k for k in range(3000))
        assert sbg.discounted_expected_residual_lifetime(params, renewals, d) == pytest.approx(direct, rel=1e-9)


def test_sbg_retention_rises_with_tenure_and_survival_telescopes():
    params = sbg.SbgParams(0.704, 1.182)
    t = np.arange(1, 13)
    assert np.all(np.diff(sbg.retention_rate(params, t)) > 0)
    assert np.allclose(np.cumprod(sbg.retention_rate(params, t)), sbg.survival(params, t))
    assert np.isclose(sbg.churn_probability(params, t).sum() + sbg.survival(params, 12), 1.0)


# ---- planted truth: our generator's draws, recovered within the Hessian standard errors ----

WINDOW = population.Window(int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()), 365)


@pytest.fixture(scope="module")
def planted_orders() -> tuple[PlantedTruth, population.Orders]:
    rng = np.random.default_rng(20261125)
    truth = PlantedTruth()
    customers = population.simulate_customers(rng, 40_000, WINDOW)
    return truth, population.simulate_orders(rng, customers, truth, WINDOW)


def _rfm_in_weeks(orders: population.Orders) -> dict[str, np.ndarray]:
    """Per buyer, as the warehouse computes it from order timestamps: every order is a transaction."""
    buyers, first, count = np.unique(orders.customer, return_index=True, return_counts=True)  # sorted by (customer, time)
    last = first + count - 1
    frequency = count - 1
    repeat_spend = np.bincount(np.searchsorted(buyers, orders.customer), weights=orders.amount_usd) - orders.amount_usd[first]
    return {
        "frequency": frequency,
        "recency": (orders.ordered_at[last] - orders.ordered_at[first]) / population.WEEK,
        "age": (WINDOW.end - orders.ordered_at[first]) / population.WEEK,
        "mean_repeat_spend": np.divide(repeat_spend, frequency, out=np.full(len(buyers), np.nan), where=frequency > 0),
    }


def _within_three_standard_errors(fit, planted: dict[str, float]) -> dict[str, float]:
    """z-scores of the planted values; |z| < 3 fails by chance about 1 in 370 per parameter."""
    z = {name: (fit.params[name] - value) / fit.standard_errors[name] for name, value in planted.items()}
    assert all(abs(v) < 3 for v in z.values()), z
    return z


def test_bg_nbd_recovers_the_planted_parameters(planted_orders):
    truth, orders = planted_orders
    rfm = _rfm_in_weeks(orders)
    fit = bg_nbd.fit(rfm["frequency"], rfm["recency"], rfm["age"])
    _within_three_standard_errors(fit, {"r": truth.bg_nbd.r, "alpha": truth.bg_nbd.alpha, "a": truth.bg_nbd.a, "b": truth.bg_nbd.b})


def test_gamma_gamma_recovers_the_planted_parameters(planted_orders):
    truth, orders = planted_orders
    rfm = _rfm_in_weeks(orders)
    repeat = rfm["frequency"] > 0
    fit = gamma_gamma.fit(rfm["frequency"][repeat], rfm["mean_repeat_spend"][repeat])
    gg = truth.gamma_gamma
    _within_three_standard_errors(fit, {"p": gg.p, "q": gg.q, "gamma": gg.gamma})


def _central_gradient(function, at: np.ndarray, step: float = 1e-6) -> np.ndarray:
    return np.array([(function(at + step * at * unit) - function(at - step * at * unit)) / (2 * step * at[i])
                     for i, unit in enumerate(np.eye(len(at)))])


def _likelihoods(planted_orders):
    """(exact objective, the published per-customer formula summed, two parameter points) per model."""
    _, orders = planted_orders
    rfm = _rfm_in_weeks(orders)
    x, t_x, big_t = rfm["frequency"], rfm["recency"], rfm["age"]
    repeat = x > 0
    spend = rfm["mean_repeat_spend"][repeat]
    periods, churned, count = sbg.survivors_to_lifetimes([1000, 631, 468, 382, 326, 289, 262, 241, 223])
    return {
        "BG/NBD": (bg_nbd.negative_log_likelihood(x, t_x, big_t),
                   lambda q: -bg_nbd.log_likelihood(bg_nbd.BgNbdParams(*q), x, t_x, big_t).sum(),
                   ([0.7, 4.0, 0.8, 2.5], [2.0, 10.0, 1.5, 0.6])),
        "Gamma-Gamma": (gamma_gamma.negative_log_likelihood(x[repeat], spend),
                        lambda q: -gamma_gamma.log_likelihood(gamma_gamma.GammaGammaParams(*q), x[repeat], spend).sum(),
                        ([6.0, 3.8, 15.0], [1.0, 2.0, 0.5])),
        "sBG": (sbg.negative_log_likelihood(periods, churned, count),
                lambda q: -sbg.log_likelihood(sbg.SbgParams(*q), periods, churned, count),
                ([0.7, 1.2], [3.0, 0.4])),
    }


@pytest.mark.parametrize("model", ["BG/NBD", "Gamma-Gamma", "sBG"])
def test_the_exact_gradient_equals_finite_differences_of_the_published_likelihood(planted_orders, model):
    objective, published, points = _likelihoods(planted_orders)[model]
    for point in map(np.array, points):
        value, gradient = objective(point)
        assert value == pytest.approx(published(point), rel=1e-12)
        np.testing.assert_allclose(gradient, _central_gradient(published, point), rtol=2e-5)


@pytest.mark.parametrize("model", ["BG/NBD", "Gamma-Gamma"])
def test_fits_converge_on_the_gradient_and_their_standard_errors_match_the_published_likelihoods_curvature(planted_orders, model):
    _, orders = planted_orders
    rfm = _rfm_in_weeks(orders)
    repeat = rfm["frequency"] > 0
    fit = (bg_nbd.fit(rfm["frequency"], rfm["recency"], rfm["age"]) if model == "BG/NBD" else
           gamma_gamma.fit(rfm["frequency"][repeat], rfm["mean_repeat_spend"][repeat]))
    assert fit.converged and "Nelder-Mead" not in fit.message, fit.message
    _, published, _ = _likelihoods(planted_orders)[model]
    estimate = np.array(list(fit.params.values()))
    # observed information of the published formula in log-parameters, by second differences of the value alone
    step, k = 1e-4, len(estimate)
    log_estimate, at = np.log(estimate), lambda theta: published(np.exp(theta))
    hessian = np.array([[(at(log_estimate + step * (e_i + e_j)) - at(log_estimate + step * (e_i - e_j))
                          - at(log_estimate - step * (e_i - e_j)) + at(log_estimate - step * (e_i + e_j))) / (4 * step * step)
                         for e_j in np.eye(k)] for e_i in np.eye(k)])
    expected = estimate * np.sqrt(np.diag(np.linalg.inv(hessian)))
    np.testing.assert_allclose(list(fit.standard_errors.values()), expected, rtol=1e-3)


def test_sbg_recovers_the_planted_churn_of_each_monthly_plan():
    rng = np.random.default_rng(7)
    truth, plans = PlantedTruth(), load_plans()
    customers = population.simulate_customers(rng, 60_000, WINDOW)
    changes = population.simulate_subscriptions(rng, customers, plans, truth, WINDOW)
    periods, churned, initial_plan = _first_lifecycle(changes)
    monthly = [index for index, plan in enumerate(plans) if plan.billing_interval == "month"]
    assert len(monthly) == 3
    for index in monthly:
        mine = initial_plan == index
        fit = sbg.fit_lifetimes(periods[mine], churned[mine], np.ones(mine.sum()))
        planted = truth.sbg_by_initial_plan[plans[index].plan_id]
        _within_three_standard_errors(fit, {"alpha": planted.alpha, "beta": planted.beta})


def _first_lifecycle(changes: population.SubscriptionChanges) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per subscription: paid periods until the first cancel (or renewals so far), churned, initial plan."""
    created = population.CHANGE_TYPES[changes.change_type] == "created"
    subscriptions, first_row = np.unique(changes.subscription, return_index=True)
    assert created[first_row].all()
    position = np.searchsorted(subscriptions, changes.subscription)
    is_cancel = population.CHANGE_TYPES[changes.change_type] == "canceled"
    first_cancel_at = np.full(len(subscriptions), np.iinfo(np.int64).max)
    np.minimum.at(first_cancel_at, position[is_cancel], changes.effective_at[is_cancel])
    before_cancel = changes.effective_at < first_cancel_at[position]
    # A trial's conversion is recorded as "renewed" but starts the first paid period, not a renewal.
    paid_renewal = (population.CHANGE_TYPES[changes.change_type] == "renewed") & before_cancel
    paid_renewal &= ~((changes.status == 1) & _follows_trial(changes, position, first_row))
    renewals = np.bincount(position, weights=paid_renewal, minlength=len(subscriptions))
    trial_never_paid = changes.is_free[first_row] & (renewals == 0) & ~_converted(changes, position, len(subscriptions))
    churned = first_cancel_at < np.iinfo(np.int64).max
    keep = ~trial_never_paid
    periods = np.where(churned, renewals + 1, renewals)
    return periods[keep], churned[keep], changes.plan[first_row][keep]


def _follows_trial(changes, position, first_row) -> np.ndarray:
    previous_is_trial_start = np.zeros(len(position), bool)
    previous_is_trial_start[1:] = (position[1:] == position[:-1]) & changes.is_free[:-1] & (changes.change_type[:-1] == 0)
    return previous_is_trial_start


def _converted(changes, position, n) -> np.ndarray:
    conversion = np.zeros(len(position), bool)
    conversion[1:] = ((position[1:] == position[:-1]) & changes.is_free[:-1]
                      & (changes.change_type[:-1] == 0) & (changes.change_type[1:] == 1))
    return np.bincount(position, weights=conversion, minlength=n) > 0


# ---- NPS and CSAT intervals ----


def test_nps_counts_and_the_adjusted_wald_interval_worked_by_hand():
    result = surveys.nps([10] * 50 + [8] * 30 + [3] * 20)
    assert (result.n, result.promoters, result.passives, result.detractors, result.nps) == (100, 50, 30, 20, 30.0)
    # n' = 103, p+ = 50.75/103, p- = 20.75/103; var = ((p+ + p-) - (p+ - p-)^2) / n'; 1.959964 * sqrt(var)
    p_plus, p_minus = 50.75 / 103, 20.75 / 103
    half = 1.959964 * np.sqrt(((p_plus + p_minus) - (p_plus - p_minus) ** 2) / 103)
    assert result.lower == pytest.approx(100 * (p_plus - p_minus - half), abs=1e-4)
    assert result.upper == pytest.approx(100 * (p_plus - p_minus + half), abs=1e-4)
    assert not result.small_sample and surveys.nps([9] * 29).small_sample


def test_nps_interval_covers_the_true_score_about_95_percent_of_the_time():
    rng = np.random.default_rng(1)
    shares = np.array([0.45, 0.30, 0.25])  # promoters, passives, detractors: true NPS 20
    counts = rng.multinomial(60, shares, size=4000)
    lower, upper = surveys.nps_interval(counts[:, 0], counts[:, 2], 60)
    coverage = np.mean((lower <= 20) & (upper >= 20))
    assert 0.93 <= coverage <= 0.97, coverage


def test_nps_interval_stays_inside_the_scale_when_everyone_agrees():
    result = surveys.nps([10] * 12)
    assert result.nps == 100 and result.upper == 100 and result.lower < 100 and result.small_sample


@pytest.mark.parametrize(("successes", "n", "lower", "upper"), [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605),
                                                             (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_wilson_interval_matches_newcombe_1998_table_1(successes, n, lower, upper):
    low, high = surveys.wilson_interval(successes, n)
    assert (round(float(low), 4), round(float(high), 4)) == (lower, upper)


def test_wilson_interval_contains_the_share_exactly_when_all_or_none_succeed():
    # Floating point once put the upper bound of 10 out of 10 at 0.9999999999999999, below CSAT 1.0.
    n = np.arange(1, 500)
    none_low, none_high = surveys.wilson_interval(np.zeros_like(n), n)
    all_low, all_high = surveys.wilson_interval(n, n)
    assert (none_low == 0).all() and (all_high == 1).all() and (none_high > 0).all() and (all_low < 1).all()


def test_csat_is_the_share_of_fours_and_fives():
    result = surveys.csat([5, 4, 3, 2, 1, 5, 5, 4])
    assert (result.csat, result.satisfied, result.n, result.small_sample) == (0.625, 5, 8, True)


@pytest.mark.parametrize(("function", "scores"), [(surveys.nps, [11]), (surveys.nps, [-1]), (surveys.nps, [7.5]),
                                                  (surveys.csat, [0]), (surveys.csat, [6]), (surveys.nps, [])])
def test_invalid_scores_raise_a_clear_error(function, scores):
    with pytest.raises(ValueError, match="scores must be whole numbers|no .* answers"):
        function(scores)


# ---- CLV and input validation ----


def test_undiscounted_clv_telescopes_to_expected_purchases_times_spend():
    purchases, spend = bg_nbd.BgNbdParams(0.243, 4.414, 0.793, 2.426), gamma_gamma.GammaGammaParams(6.25, 3.74, 15.44)
    x, t_x, big_t, m = np.array([0, 2, 5]), np.array([0, 30.43, 20.0]), np.array([38.86, 38.86, 38.86]), np.array([np.nan, 30.0, 45.0])
    value = clv.predictive_clv(purchases, spend, x, t_x, big_t, m, horizon_months=12, monthly_discount_rate=0.0)
    expected = bg_nbd.expected_purchases(purchases, 12 * clv.WEEKS_PER_MONTH, x, t_x, big_t) * gamma_gamma.expected_mean_spend(spend, x, m)
    assert value == pytest.approx(expected, rel=1e-12)
    discounted = clv.predictive_clv(purchases, spend, x, t_x, big_t, m, horizon_months=12, monthly_discount_rate=0.01)
    assert np.all(discounted < value) and np.all(discounted > value / 1.01 ** 12)


def test_monthly_clv_equals_eq_10_evaluated_with_one_hypergeometric_function_per_customer_and_month(planted_orders):
    """predictive_clv reads the hypergeometric term of frequent purchase counts from a spline; it must give FHL's
    eq. 10 evaluated directly with scipy's ₂F₁ for every buyer and month (the planted processes' buyers: every
    purchase count shared by more than 28 of them uses the spline)."""
    r, alpha, a, b = 0.748, 4.978, 0.805, 2.412
    purchases, spend = bg_nbd.BgNbdParams(r, alpha, a, b), gamma_gamma.GammaGammaParams(6.03, 3.80, 14.89)
    rfm = _rfm_in_weeks(planted_orders[1])
    x, t_x, big_t, m = rfm["frequency"].astype(float), rfm["recency"], rfm["age"], rfm["mean_repeat_spend"]
    months, rate = np.arange(1, 37), 0.01
    horizons = months[:, None] * clv.WEEKS_PER_MONTH
    by_month_end = (a + b + x - 1) / (a - 1) * (1 - ((alpha + big_t) / (alpha + big_t + horizons)) ** (r + x)
                                                * hyp2f1(r + x, b + x, a + b + x - 1, horizons / (alpha + big_t + horizons)))
    monthly = np.diff(by_month_end, axis=0, prepend=0.0) / (1 + rate) ** months[:, None]
    direct = monthly.sum(axis=0) * bg_nbd.probability_alive(purchases, x, t_x, big_t) * gamma_gamma.expected_mean_spend(spend, x, m)
    assert np.bincount(x.astype(int)).max() * len(months) > bg_nbd.SPLINE_POINTS
    value = clv.predictive_clv(purchases, spend, x, t_x, big_t, m, horizon_months=36, monthly_discount_rate=rate)
    np.testing.assert_allclose(value, direct, rtol=1e-10, atol=0)


def test_probability_alive_is_one_without_repeat_purchases_and_falls_with_silence():
    params = bg_nbd.BgNbdParams(0.243, 4.414, 0.793, 2.426)
    alive = bg_nbd.probability_alive(params, [0, 3, 3], [0, 38, 10], [39, 39, 39])
    assert alive[0] == 1.0 and alive[1] > alive[2]


@pytest.mark.parametrize(("x", "t_x", "big_t", "message"), [([1], [5], [3], "recency must lie"), ([0], [2], [3], "recency must be 0"),
                                                            ([1.5], [1], [3], "whole number"), ([0], [0], [0], "age must be")])
def test_bad_rfm_inputs_name_the_rule_and_the_row(x, t_x, big_t, message):
    with pytest.raises(ValueError, match=message):
        bg_nbd.fit(x, t_x, big_t)
