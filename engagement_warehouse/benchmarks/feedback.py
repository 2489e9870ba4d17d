"""`python -m engagement_warehouse.benchmarks.feedback`: theme assignment time, and false alarms across seeds.

Writes texts with the generator's planted theme model over twelve months (scores drawn like NPS and CSAT
answers), then runs what the feedback assets compute: theme and polarity per text (timed, and its peak
memory), the monthly counts (the asset's SQL, in DuckDB) and the rise test. Per seed it reports the alerts
that are not the planted rise (a stable theme alerted, or the rising theme before its month): the false alarms.
"""

from __future__ import annotations

import argparse
import csv
import resource
import time
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa

from engagement_warehouse.feedback.assignment import FeedbackText, assign
from engagement_warehouse.feedback.sentiment import SentimentScorer
from engagement_warehouse.feedback.themes import Taxonomy
from engagement_warehouse.feedback.trends import THEME_MONTHS_SQL, theme_months_with_alerts
from engagement_warehouse.generator.feedback import FeedbackTexts, FeedbackTrend, complaint_probability
from engagement_warehouse.settings import PROJECT_ROOT

START, DAYS = date(2026, 1, 1), 365
NPS_SCORE_PROBABILITIES = np.array([2, 2, 2, 3, 3, 4, 6, 15, 18, 22, 23]) / 100  # 0..10
CSAT_SCORE_PROBABILITIES = np.array([0.05, 0.07, 0.13, 0.35, 0.40])  # 1..5, the generator's planted CSAT


def _seed_rows(name: str) -> list[dict]:
    with open(PROJECT_ROOT / "seeds" / f"{name}.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def planted_texts(count: int, seed: int) -> tuple[list[FeedbackText], pa.Table, FeedbackTrend]:
    """`count` answers with texts, spread evenly over the year; their table for the counting SQL."""
    rng = np.random.default_rng(seed)
    trend = FeedbackTrend.for_window(START, DAYS)
    writer = FeedbackTexts(np.random.default_rng([seed, 1]), trend)
    is_nps = rng.random(count) < 0.6
    score = np.where(is_nps, rng.choice(11, size=count, p=NPS_SCORE_PROBABILITIES),
                     rng.choice(5, size=count, p=CSAT_SCORE_PROBABILITIES) + 1)
    day = np.sort(rng.integers(0, DAYS, size=count))
    written = [START + timedelta(days=int(d)) for d in day]
    ids = [f"rsp_{i}" for i in range(count)]
    texts = writer.write("survey", ids, np.where(is_nps, complaint_probability(score, 6, 9), complaint_probability(score, 2, 4)),
                         written, np.zeros(count, bool))
    polarity = np.where(is_nps, np.select([score <= 6, score >= 9], [-1, 1], 0), np.select([score <= 2, score >= 4], [-1, 1], 0))
    table = pa.table({"source": ["survey"] * count, "text_id": ids, "feedback_source": np.where(is_nps, "nps_comment", "csat_comment"),
                      "score": score, "submitted_month": [w.replace(day=1) for w in written]})
    return [FeedbackText("survey", i, t, int(p)) for i, t, p in zip(ids, texts, polarity, strict=True)], table, trend


def run(texts: int, seeds: list[int], progress=print) -> list[dict]:
    taxonomy = Taxonomy([(r["theme"], r["language"], r["keyword"]) for r in _seed_rows("feedback_theme_keywords")])
    scorer = SentimentScorer([(r["language"], r["term"], float(r["valence"])) for r in _seed_rows("feedback_sentiment_terms")])
    results = []
    for seed in seeds:
        feedback, table, trend = planted_texts(texts, seed)
        started = time.perf_counter()
        mentions = [vars(m) for m in assign(feedback, taxonomy, scorer)]
        assign_seconds = time.perf_counter() - started
        with duckdb.connect() as con:
            for schema in ("intermediate", "statistics", "reference"):
                con.execute(f"create schema {schema}")
            con.register("texts_arrow", table)
            con.register("mentions_arrow", pa.Table.from_pylist(mentions))
            con.register("themes_arrow", pa.table({"theme": sorted(taxonomy.themes)}))
            con.execute("create table intermediate.int_feedback_texts as select * from texts_arrow")
            con.execute("create table statistics.feedback_text_themes as select * from mentions_arrow")
            con.execute("create table reference.feedback_theme_keywords as select * from themes_arrow")
            months = theme_months_with_alerts(con.sql(THEME_MONTHS_SQL).to_arrow_table())
        alerts = [(t, m) for t, m, alert in zip(months["theme"].to_pylist(), months["submitted_month"].to_pylist(),
                                                 months["is_alert"].to_pylist(), strict=True) if alert]
        planted = [(t, m) for t, m in alerts if t == trend.rising_theme and m >= trend.rising_from]
        result = {"seed": seed, "texts": texts, "assign_seconds": round(assign_seconds, 1),
                  "texts_per_second": round(texts / assign_seconds),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "planted_alerted": len(planted) > 0, "false_alarms": [(t, m.isoformat()) for t, m in alerts if (t, m) not in planted]}
        progress(result)
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000, help="texts per seed (default 100000)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N (default 10)")
    args = parser.parse_args(argv)
    results = run(args.texts, list(range(1, args.seeds + 1)))
    print(f"planted rise alerted in {sum(r['planted_alerted'] for r in results)} of {len(results)} seeds; "
          f"false alarms: {sum(len(r['false_alarms']) for r in results)} over {len(results)} seeds x 12 months x 8 themes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
