"""Python assets for feedback: themes per text, theme trends with rise alerts, and NPS drivers per theme.

`feedback_text_themes` reads int_feedback_texts (contact data already replaced in dbt) and the two seeds
a maintainer extends (feedback_theme_keywords, feedback_sentiment_terms). `feedback_theme_months` counts
mentions per theme, month and source and tests each month's complaints against the trailing baseline;
`feedback_nps_drivers` compares the NPS of respondents who mention a theme with everyone else's;
`feedback_candidate_themes` reports what the texts without a listed theme talk about. Each
replaces its table in the statistics schema in one transaction, for the feedback marts.
"""

import duckdb
import pyarrow as pa
from dagster import AssetExecutionContext

from engagement_warehouse.feedback.assignment import FeedbackText, assign, rules_fingerprint
from engagement_warehouse.feedback.discovery import candidate_themes
from engagement_warehouse.feedback.sentiment import SentimentScorer
from engagement_warehouse.feedback.themes import Taxonomy, Tokenizer
from engagement_warehouse.feedback.trends import THEME_MONTHS_SQL, theme_months_with_alerts
from engagement_warehouse.statistics import surveys
from orchestration.dbt_assets import dbt_asset_key
from orchestration.stats_assets import statistics_asset

THEMES_SCHEMA = pa.schema([
    ("source", pa.string()), ("text_id", pa.string()), ("language", pa.string()), ("theme", pa.string()),
    ("sentiment", pa.float64()), ("polarity", pa.string()), ("polarity_basis", pa.string()),
    ("text_hash", pa.string()), ("rules_fingerprint", pa.string())])
# A text is assigned again only when it, its score's polarity or the rules changed since it was last assigned.
TEXTS_WITH_HASH_SQL = """
select source, text_id, feedback_text, score_polarity, md5(feedback_text || '|' || cast(score_polarity as varchar)) as text_hash
from intermediate.int_feedback_texts
"""
ASSIGNED_SQL = """
select stored.* from statistics.feedback_text_themes as stored
inner join texts on stored.source = texts.source and stored.text_id = texts.text_id and stored.text_hash = texts.text_hash
where stored.rules_fingerprint = $rules
"""


@statistics_asset("feedback_text_themes",
                  deps=[dbt_asset_key("int_feedback_texts"), dbt_asset_key("feedback_theme_keywords"),
                        dbt_asset_key("feedback_sentiment_terms")],
                  description="Per survey comment and review: each theme of the seed taxonomy it mentions, with the "
                              "clause's sentiment and whether it praises or complains (English and Korean). Texts "
                              "assigned before under the same seeds and code keep their rows; only new or changed texts "
                              "are read again.")
def feedback_text_themes(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    keyword_rows = con.execute("select theme, language, keyword from reference.feedback_theme_keywords order by all").fetchall()
    term_rows = con.execute("select language, term, valence from reference.feedback_sentiment_terms order by all").fetchall()
    rules = rules_fingerprint(keyword_rows, term_rows)
    con.execute(f"create or replace temporary table texts as {TEXTS_WITH_HASH_SQL}")
    stored = con.execute("select count(*) from information_schema.columns where table_schema = 'statistics' "
                         "and table_name = 'feedback_text_themes' and column_name = 'rules_fingerprint'").fetchall()[0][0]
    kept = (con.sql(ASSIGNED_SQL, params={"rules": rules}).to_arrow_table().cast(THEMES_SCHEMA) if stored
            else THEMES_SCHEMA.empty_table())
    assigned = set(zip(kept["source"].to_pylist(), kept["text_id"].to_pylist(), strict=True))
    texts, hashes = [], {}
    for source, text_id, text, score_polarity, text_hash in con.execute(
            "select * from texts order by source, text_id").fetchall():
        if (source, text_id) not in assigned:
            texts.append(FeedbackText(source, text_id, text, score_polarity))
            hashes[(source, text_id)] = text_hash
    mentions = [{**vars(m), "text_hash": hashes[(m.source, m.text_id)], "rules_fingerprint": rules}
                for m in assign(texts, Taxonomy(keyword_rows), SentimentScorer(term_rows))]
    rows = pa.concat_tables([kept, pa.Table.from_pylist(mentions, schema=THEMES_SCHEMA)])
    return rows, {"texts": len(assigned) + len(texts), "texts_assigned_in_this_run": len(texts),
                  "mentions": rows.num_rows, "rules_fingerprint": rules}


@statistics_asset("feedback_theme_months", deps=[dbt_asset_key("int_feedback_texts"), feedback_text_themes],
                  description="Per theme, month and source: mentions, complaints and praise; per theme and month over "
                              "all sources, the test of a rise in complaints against the trailing three months, with "
                              "false-discovery-rate control.")
def feedback_theme_months(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    rows = theme_months_with_alerts(con.sql(THEME_MONTHS_SQL).to_arrow_table())
    alerts = rows.filter(rows["is_alert"])
    alerted = zip(alerts["theme"].to_pylist(), alerts["submitted_month"].to_pylist(), strict=True)
    return rows, {"rows": rows.num_rows, "alerts": alerts.num_rows,
                  "alerted": ", ".join(f"{t} {m:%Y-%m}" for t, m in alerted)}


# NPS answers counted as in nps_summary (each respondent's latest answer of a month), with whether the
# answer's comment mentions the theme; promoter and detractor as int_survey_answers categorises them.
NPS_BY_MENTION_SQL = """
with
answers as (select * from intermediate.int_survey_answers where survey_type = 'nps' and is_latest_in_month),
themes as (select distinct theme from reference.feedback_theme_keywords),
mentions as (select distinct text_id, theme from statistics.feedback_text_themes where source = 'survey' and theme is not null)
select
    themes.theme,
    mentions.text_id is not null as is_mentioning,
    count(*) as respondents,
    count(case when answers.nps_category = 'promoter' then 1 end) as promoters,
    count(case when answers.nps_category = 'detractor' then 1 end) as detractors
from themes cross join answers
left join mentions on mentions.theme = themes.theme and mentions.text_id = answers.response_id
group by all
"""
DRIVERS_SCHEMA = pa.schema([
    ("theme", pa.string()), ("respondents_mentioning", pa.int64()), ("nps_mentioning", pa.float64()),
    ("nps_mentioning_lower", pa.float64()), ("nps_mentioning_upper", pa.float64()),
    ("respondents_not_mentioning", pa.int64()), ("nps_not_mentioning", pa.float64()),
    ("nps_difference", pa.float64()), ("nps_difference_lower", pa.float64()), ("nps_difference_upper", pa.float64()),
    ("is_small_sample", pa.bool_())])


@statistics_asset("feedback_nps_drivers", deps=[dbt_asset_key("int_survey_answers"), feedback_text_themes],
                  description="Per theme: NPS of respondents whose comment mentions it against all other "
                              "respondents, with adjusted-Wald intervals for each and for the difference.")
def feedback_nps_drivers(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    counts = {(theme, mentioning): (n, promoters, detractors)
              for theme, mentioning, n, promoters, detractors in con.execute(NPS_BY_MENTION_SQL).fetchall()}
    records = []
    for theme in sorted({theme for theme, _ in counts}):
        n_a, promoters_a, detractors_a = counts.get((theme, True), (0, 0, 0))
        n_b, promoters_b, detractors_b = counts.get((theme, False), (0, 0, 0))
        record = {"theme": theme, "respondents_mentioning": n_a, "respondents_not_mentioning": n_b,
                  "is_small_sample": min(n_a, n_b) < surveys.SMALL_SAMPLE}
        if n_a and n_b:
            lower, upper = surveys.nps_interval(promoters_a, detractors_a, n_a)
            difference_lower, difference_upper = surveys.nps_difference_interval(promoters_a, detractors_a, n_a,
                                                                                 promoters_b, detractors_b, n_b)
            nps_a, nps_b = 100.0 * (promoters_a - detractors_a) / n_a, 100.0 * (promoters_b - detractors_b) / n_b
            record.update({"nps_mentioning": nps_a, "nps_mentioning_lower": float(lower), "nps_mentioning_upper": float(upper),
                           "nps_not_mentioning": nps_b, "nps_difference": nps_a - nps_b,
                           "nps_difference_lower": float(difference_lower), "nps_difference_upper": float(difference_upper)})
        records.append(record)
    rows = pa.Table.from_pylist(records, schema=DRIVERS_SCHEMA)
    return rows, {"themes": rows.num_rows}


CANDIDATES_SCHEMA = pa.schema([("language", pa.string()), ("candidate_rank", pa.int64()), ("top_terms", pa.string()),
                               ("texts", pa.int64()), ("share_of_unmatched", pa.float64())])


@statistics_asset("feedback_candidate_themes", deps=[dbt_asset_key("int_feedback_texts"), feedback_text_themes],
                  description="Candidate themes (TF-IDF + NMF) among the texts no listed theme matched, with their "
                              "top terms, for a maintainer to review and add to seeds/feedback_theme_keywords.csv.")
def feedback_candidate_themes(context: AssetExecutionContext, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, dict]:
    texts = con.execute(
        "select texts.feedback_text, texts.customer_key from statistics.feedback_text_themes as mentions "
        "inner join intermediate.int_feedback_texts "
        "as texts on mentions.source = texts.source and mentions.text_id = texts.text_id where mentions.theme is null "
        "order by texts.source, texts.text_id").fetchall()
    candidates = candidate_themes(texts, Tokenizer())
    rows = pa.Table.from_pylist([{"language": c.language, "candidate_rank": c.rank, "top_terms": c.top_terms, "texts": c.texts,
                                  "share_of_unmatched": c.share_of_unmatched} for c in candidates], schema=CANDIDATES_SCHEMA)
    return rows, {"unmatched_texts": len(texts), "candidates": rows.num_rows,
                  "top": "; ".join(f"{c.language}: {c.top_terms}" for c in candidates[:3])}


feedback_assets = [feedback_text_themes, feedback_theme_months, feedback_nps_drivers, feedback_candidate_themes]
