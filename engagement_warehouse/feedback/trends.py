"""Which themes' complaints rose beyond chance: each month against the theme's trailing baseline.

For a theme in a month with k complaints among n texts, and K complaints among N texts over the trailing
`BASELINE_MONTHS` months, the question is whether the complaint rate per text rose. Under "no change" and
Poisson counts, k given k + K is Binomial(k + K, n / (n + N)): the conditional test for two Poisson rates
(Przyborowski & Wilenski 1940), exact, and it carries the baseline's own uncertainty (a test against K/N as
if it were known would alarm on small baselines). One-sided p-values of the themes of a month are then
adjusted by Benjamini-Hochberg, and a theme is alerted where its q-value is at most `ALERT_LEVEL`: the
false-discovery rate of 5% spread over the twelve months of a year, so that a year of monthly monitoring
of stable themes raises a false alarm with probability about 5%, not 5% every month. A month is tested
only with at least `MIN_BASELINE_TEXTS` texts in its baseline.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from scipy.special import bdtrc

from engagement_warehouse.exact_sums import exact_avg

BASELINE_MONTHS = 3
MIN_BASELINE_TEXTS = 100
FALSE_DISCOVERY_RATE = 0.05
MONTHS_PER_YEAR = 12
ALERT_LEVEL = FALSE_DISCOVERY_RATE / MONTHS_PER_YEAR


def rise_p_values(complaints: np.ndarray, texts: np.ndarray, baseline_complaints: np.ndarray,
                  baseline_texts: np.ndarray) -> np.ndarray:
    """One-sided p-value that the complaint rate rose (NaN where the baseline is too small or nothing to test)."""
    k, n, big_k, big_n = (np.asarray(v, dtype=float) for v in (complaints, texts, baseline_complaints, baseline_texts))
    testable = (big_n >= MIN_BASELINE_TEXTS) & (n > 0) & (k + big_k > 0)
    share = np.divide(n, n + big_n, out=np.zeros_like(n), where=n + big_n > 0)
    trials = (k + big_k).astype(np.int64)  # counts, held as floats above
    p = bdtrc(k - 1, trials, share)  # binomial P(X >= k); scipy.special, because scipy.stats takes 2 s to import
    return np.where(testable, p, np.nan)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """q-values of one family of tests (NaN stays NaN and does not count as a test)."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    if len(tested) == 0:
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    ranked = p[order] * len(order) / np.arange(1, len(order) + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q


def trailing_sums(values: np.ndarray, months: int = BASELINE_MONTHS) -> np.ndarray:
    """For each position of one theme's monthly series (consecutive months), the sum of the `months` before it."""
    values = np.asarray(values, dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(len(values))
    return cumulative[index] - cumulative[np.maximum(index - months, 0)]


# Every theme x month x source, zeros included (months consecutive from the first text's to the last's):
# the trailing baseline sums the rows before, so a month without mentions must still be a row.
THEME_MONTHS_SQL = f"""
with
texts as (select * from intermediate.int_feedback_texts),
mentions as (select * from statistics.feedback_text_themes where theme is not null),
months as (
    select cast(unnest(generate_series(min(submitted_month), max(submitted_month), interval 1 month)) as date) as submitted_month
    from texts
),
themes as (select distinct theme from reference.feedback_theme_keywords),
sources as (select distinct feedback_source as source from texts union all select 'all'),
texts_per_month as (
    select cast(submitted_month as date) as submitted_month, coalesce(feedback_source, 'all') as source, count(*) as texts,
           {exact_avg('score')} as average_score
    from texts group by grouping sets ((submitted_month, feedback_source), (submitted_month))
),
mentions_per_month as (
    select cast(texts.submitted_month as date) as submitted_month, coalesce(texts.feedback_source, 'all') as source, mentions.theme,
           count(*) as mentions,
           count(case when mentions.polarity = 'complaint' then 1 end) as complaints,
           count(case when mentions.polarity = 'praise' then 1 end) as praises,
           {exact_avg('mentions.sentiment')} as average_sentiment,
           {exact_avg('texts.score')} as average_score_of_mentions
    from mentions inner join texts on mentions.source = texts.source and mentions.text_id = texts.text_id
    group by grouping sets ((texts.submitted_month, texts.feedback_source, mentions.theme), (texts.submitted_month, mentions.theme))
)
select
    months.submitted_month, sources.source, themes.theme,
    coalesce(texts_per_month.texts, 0) as texts,
    coalesce(mentions_per_month.mentions, 0) as mentions,
    coalesce(mentions_per_month.complaints, 0) as complaints,
    coalesce(mentions_per_month.praises, 0) as praises,
    mentions_per_month.average_sentiment,
    case when sources.source <> 'all' then mentions_per_month.average_score_of_mentions end as average_score_of_mentions,
    case when sources.source <> 'all' then texts_per_month.average_score end as average_score_of_all_texts
from months cross join sources cross join themes
left join texts_per_month using (submitted_month, source)
left join mentions_per_month using (submitted_month, source, theme)
order by sources.source, themes.theme, months.submitted_month
"""


def theme_months_with_alerts(rows: pa.Table) -> pa.Table:
    """THEME_MONTHS_SQL's rows (sorted by source, theme, month) with each row's trailing baseline, and for
    source 'all' the rise test, its q-value within the month and the alert flag."""
    source, theme = rows["source"].to_numpy(zero_copy_only=False), rows["theme"].to_numpy(zero_copy_only=False)
    texts, complaints = rows["texts"].to_numpy(), rows["complaints"].to_numpy()
    baseline_texts, baseline_complaints = np.zeros(len(texts)), np.zeros(len(texts))
    series = np.flatnonzero(np.r_[True, (source[1:] != source[:-1]) | (theme[1:] != theme[:-1]), True])
    for start, end in zip(series[:-1], series[1:], strict=True):  # one theme's months of one source
        baseline_texts[start:end] = trailing_sums(texts[start:end])
        baseline_complaints[start:end] = trailing_sums(complaints[start:end])
    p_value = np.where(source == "all", rise_p_values(complaints, texts, baseline_complaints, baseline_texts), np.nan)
    q_value = np.full(len(texts), np.nan)
    month = rows["submitted_month"].to_numpy(zero_copy_only=False)
    for one_month in np.unique(month):  # the themes of a month are one family of tests
        family = month == one_month
        q_value[family] = benjamini_hochberg(p_value[family])
    return (rows.append_column("baseline_texts", pa.array(baseline_texts.astype(np.int64)))
            .append_column("baseline_complaints", pa.array(baseline_complaints.astype(np.int64)))
            .append_column("rise_p_value", pa.array(p_value, from_pandas=True))
            .append_column("rise_q_value", pa.array(q_value, from_pandas=True))
            .append_column("is_alert", pa.array(np.nan_to_num(q_value, nan=1.0) <= ALERT_LEVEL)))
