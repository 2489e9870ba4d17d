"""Feedback themes: the matcher and scorer on hand-written texts, the alert test on hand-built counts, and the
whole chain (generator → dbt → Python assets) against the generator's planted labels and trend."""

import csv

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from dagster import materialize
from scipy.stats import binom

from engagement_warehouse.feedback.assignment import FeedbackText, assign, rules_fingerprint
from engagement_warehouse.feedback.discovery import candidate_themes
from engagement_warehouse.feedback.sentiment import SentimentScorer
from engagement_warehouse.feedback.themes import Taxonomy
from engagement_warehouse.feedback.trends import benjamini_hochberg, rise_p_values, trailing_sums
from engagement_warehouse.settings import PROJECT_ROOT
from engagement_warehouse.statistics import surveys
from orchestration.definitions import defs
from orchestration.feedback_assets import feedback_assets
from tests.python.conftest import generate_small, run_dbt, warehouse_env

SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    with open(SEEDS / "feedback_theme_keywords.csv", newline="") as handle:
        return Taxonomy([(row["theme"], row["language"], row["keyword"]) for row in csv.DictReader(handle)])


@pytest.fixture(scope="module")
def scorer() -> SentimentScorer:
    with open(SEEDS / "feedback_sentiment_terms.csv", newline="") as handle:
        return SentimentScorer([(row["language"], row["term"], float(row["valence"])) for row in csv.DictReader(handle)])


def _mentions(text, taxonomy, scorer, score_polarity=0):
    return {m.theme: m.polarity for m in assign([FeedbackText("survey", "t1", text, score_polarity)], taxonomy, scorer)}


@pytest.mark.parametrize("text, expected", [
    ("It is not slow at all", {"performance": "praise"}),
    ("Pages take forever to load and everything is slow", {"performance": "complaint"}),
    ("Love the reports, but billing is a mess", {"reports": "praise", "billing": "complaint"}),
    ("The Slack integration stopped syncing. Support was quick though.", {"integrations": "complaint", "support": "praise"}),
    ("Please add dark mode", {None: None}),
    # Korean: particles (가, 는, 을, 에서) and endings split off; negation (않) reverses the clause.
    ("보고서가 정말 유용해요", {"reports": "praise"}),
    ("보고서는 엉망이에요", {"reports": "complaint"}),
    ("속도가 전혀 느리지 않아요", {"performance": "praise"}),
    ("온보딩은 개선이 필요해요", {"onboarding": "complaint"}),
    ("외부연동이 안돼요", {"integrations": "complaint"}),  # a compound without its space; a negated verb complains
    ("대시보드가 훌륭해요, 그런데 휴대폰 앱에서 자꾸 오류가 나요", {"reports": "praise", "mobile_app": "complaint"}),
])
def test_themes_and_polarity_of_hand_written_texts(taxonomy, scorer, text, expected):
    assert _mentions(text, taxonomy, scorer) == expected


def test_a_clause_without_sentiment_takes_the_answers_score(taxonomy, scorer):
    text = "The invoice arrives on the first of the month"
    assert [(m.theme, m.polarity, m.polarity_basis) for m in
            assign([FeedbackText("survey", "t1", text, -1)], taxonomy, scorer)] == [("billing", "complaint", "score")]
    assert _mentions(text, taxonomy, scorer, score_polarity=0) == {"billing": "neutral"}


def test_a_keyword_row_without_a_language_is_refused_with_its_fix():
    with pytest.raises(ValueError, match=r"feedback_theme_keywords.*'reports', 'fr', 'rapport'"):
        Taxonomy([("reports", "fr", "rapport")])


def test_the_rise_test_is_the_conditional_binomial_on_hand_built_counts():
    # 30 complaints in 200 texts against 30 in 600: k | k + K ~ Binomial(60, 200 / 800) under no change.
    p = rise_p_values(np.array([30, 10, 5]), np.array([200, 200, 200]), np.array([30, 30, 30]), np.array([600, 600, 50]))
    assert p[0] == pytest.approx(binom.sf(29, 60, 0.25))
    assert p[0] < 0.01 < 0.5 < p[1]  # 10 of 200 against 30 of 600 is the same rate
    assert np.isnan(p[2])  # a baseline of 50 texts is too small to test against


def test_benjamini_hochberg_on_a_hand_computed_family():
    # sorted p 0.005, 0.01, 0.03, 0.04 (m = 4): p * m / rank = 0.02, 0.02, 0.04, 0.04, then the running minimum from the top
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.005, np.nan]))
    np.testing.assert_allclose(q[:4], [0.02, 0.04, 0.04, 0.02])
    assert np.isnan(q[4])


def test_trailing_sums_take_the_three_months_before():
    np.testing.assert_array_equal(trailing_sums(np.array([1, 2, 3, 4, 5])), [0, 1, 3, 6, 9])


def test_nps_difference_interval_holds_zero_for_equal_groups_and_not_for_opposite_ones():
    lower, upper = surveys.nps_difference_interval(50, 20, 100, 50, 20, 100)
    assert lower < 0 < upper and lower == pytest.approx(-upper)
    lower, upper = surveys.nps_difference_interval(10, 70, 100, 70, 10, 100)
    assert upper < 0


# ---------------------------------------------------------------- the chain on planted data

@pytest.fixture(scope="module")
def feedback_warehouse(tmp_path_factory):
    """Four months (June-September 2026) of 6,000 customers: a fix of mobile_app on August 1 and a rise of
    performance complaints from September 1 planted; dbt up to the feedback inputs, then the Python assets."""
    root = tmp_path_factory.mktemp("feedback")
    truth = generate_small(root / "landing", customers=6000, days=122, seed=11)
    env = warehouse_env(root, root / "landing")
    built = run_dbt(env, "build", "--select", "+int_feedback_texts", "+int_survey_answers", "feedback_theme_keywords",
                    "feedback_sentiment_terms", "--resource-type", "model", "--resource-type", "seed")
    assert built.returncode == 0, built.stdout[-3000:]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            if name.startswith("EW_"):
                patch.setenv(name, value)
        first = materialize(feedback_assets, resources=defs.resources)
        again = materialize(feedback_assets, resources=defs.resources)
    assert first.success and again.success
    con = duckdb.connect(env["EW_WAREHOUSE_PATH"], read_only=True)
    con.register("planted", pq.read_table(root / "landing" / "_generator" / "feedback_truth.parquet"))
    runs = [run.asset_materializations_for_node("statistics__feedback_text_themes")[0].metadata for run in (first, again)]
    yield con, truth, runs
    con.close()


def test_themes_match_the_planted_labels_per_theme_and_language(feedback_warehouse):
    con, _, _ = feedback_warehouse
    scores = con.execute("""
        with staged as (select source, text_id from intermediate.int_feedback_texts),
        planted_themes as (select distinct planted.source, planted.text_id, language, theme from planted
                           inner join staged using (source, text_id) where theme in (select theme from reference.feedback_theme_keywords)),
        found as (select source, text_id, language, theme from statistics.feedback_text_themes where theme is not null)
        select coalesce(found.language, planted_themes.language) as language, coalesce(found.theme, planted_themes.theme) as theme,
               count(found.theme) filter (where planted_themes.theme is not null) * 1.0 / count(found.theme) as text_precision,
               count(planted_themes.theme) filter (where found.theme is not null) * 1.0 / count(planted_themes.theme) as text_recall,
               count(planted_themes.theme) as planted_mentions
        from found full join planted_themes using (source, text_id, theme)
        group by all order by all""").fetchall()
    print("\n".join(f"{language} {theme:<13} precision {p:.3f} recall {r:.3f} ({n} planted)" for language, theme, p, r, n in scores))
    assert len(scores) == 16  # eight themes in English and in Korean
    assert min(n for *_, n in scores) >= 10
    assert [(language, theme) for language, theme, p, r, _ in scores if p < 0.9 or r < 0.9] == []


def test_praise_and_complaint_agree_with_the_planted_polarity(feedback_warehouse):
    con, _, _ = feedback_warehouse
    agreement = dict(con.execute("""
        select planted.language, avg(case when found.polarity = planted.polarity then 1.0 else 0.0 end)
        from planted inner join statistics.feedback_text_themes as found using (source, text_id, theme)
        where planted.polarity in ('praise', 'complaint') group by all""").fetchall())
    print(f"polarity agreement: {agreement}")
    assert set(agreement) == {"en", "ko"} and min(agreement.values()) >= 0.85


def test_the_planted_rise_is_alerted_in_its_month_and_nothing_else_is(feedback_warehouse):
    con, truth, _ = feedback_warehouse
    planted = truth["planted"]["feedback"]
    alerts = con.execute("select theme, cast(submitted_month as varchar) from statistics.feedback_theme_months "
                         "where is_alert order by all").fetchall()
    assert (planted["rising_theme"], planted["rising_from"]) == ("performance", "2026-09-01")
    assert alerts == [("performance", "2026-09-01")]


def test_texts_with_contact_data_are_scrubbed_before_theme_assignment_and_keep_their_themes(feedback_warehouse):
    con, _, _ = feedback_warehouse
    scrubbed, left = con.execute("select count(*) filter (where has_contact_data), count(*) filter (where regexp_matches("
                                 "feedback_text, '@|\\+44')) from intermediate.int_feedback_texts").fetchone()
    recall = con.execute("""
        select avg(case when found.theme is not null then 1.0 else 0.0 end) from planted
        left join statistics.feedback_text_themes as found using (source, text_id, theme)
        where planted.has_contact_data and planted.theme in (select theme from reference.feedback_theme_keywords)
          and planted.text_id in (select text_id from intermediate.int_feedback_texts)""").fetchone()[0]
    assert scrubbed > 20 and left == 0
    assert recall >= 0.9


def test_the_unlisted_theme_is_the_top_candidate_of_the_texts_the_taxonomy_misses(feedback_warehouse):
    con, truth, _ = feedback_warehouse
    assert truth["planted"]["feedback"]["unlisted_theme"] == "dark_mode"
    top = dict(con.execute("select language, top_terms from statistics.feedback_candidate_themes where candidate_rank = 1").fetchall())
    assert {"dark", "mode"} <= set(top["en"].split(", ")) and {"다크", "모드"} <= set(top["ko"].split(", "))


def test_a_term_of_one_persons_texts_is_never_a_candidate_however_often_they_wrote_it():
    """Seven comments by one customer name their own surname; six other people ask for an export button. The surname
    is in more texts than the vocabulary's threshold, but in one person's only."""
    from engagement_warehouse.feedback.themes import Tokenizer

    one_person = [(f"the larkspur family account is confusing, larkspur here again {n}", "customer_a") for n in range(7)]
    others = [(f"please add an export button to the reports page {n}", f"customer_{n}") for n in range(6)]
    terms = {term for candidate in candidate_themes(one_person + others, Tokenizer()) for term in candidate.top_terms.split(", ")}
    assert "export" in terms and "larkspur" not in terms


def test_a_second_run_reads_no_text_again_and_keeps_the_same_rows(feedback_warehouse):
    con, _, (first, again) = feedback_warehouse
    texts = con.execute("select count(*) from intermediate.int_feedback_texts").fetchone()[0]
    assert first["texts_assigned_in_this_run"].value == texts > 1000
    assert again["texts_assigned_in_this_run"].value == 0 and again["mentions"].value == first["mentions"].value
    assert again["rules_fingerprint"].value == first["rules_fingerprint"].value


def test_the_rules_fingerprint_changes_with_either_seed_but_not_with_their_row_order():
    keywords = [("reports", "en", "report*"), ("reports", "en", "chart*")]
    assert rules_fingerprint(keywords, []) == rules_fingerprint(keywords[::-1], [])
    assert rules_fingerprint(keywords[:1], []) != rules_fingerprint(keywords, [])
    assert rules_fingerprint(keywords, [("en", "slow", -1.6)]) != rules_fingerprint(keywords, [])
