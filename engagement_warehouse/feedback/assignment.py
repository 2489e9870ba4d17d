"""Themes and polarity per text: each listed theme a text mentions, praised or complained about.

A text is split into clauses ("…, but …"); a theme found in a clause takes that clause's sentiment, so
"Love the reports, but billing is a mess" praises reports and complains about billing. Where the clause
carries no sentiment of its own (|score| < 0.05, VADER's neutral band), the answer's score decides
(`score_polarity`: -1 for a low score, +1 for a high one, 0 for a middle one or none), and the row says so.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from engagement_warehouse.feedback import sentiment, themes
from engagement_warehouse.feedback.sentiment import SentimentScorer
from engagement_warehouse.feedback.themes import Taxonomy, language_of

NEUTRAL_BAND = 0.05


@dataclass(frozen=True)
class FeedbackText:
    source: str
    text_id: str
    text: str
    score_polarity: int


@dataclass(frozen=True)
class ThemeMention:
    """One theme of one text; a text without any listed theme gives one row with theme None."""

    source: str
    text_id: str
    language: str
    theme: str | None
    sentiment: float | None
    polarity: str | None  # praise, complaint or neutral
    polarity_basis: str | None  # text (the clause's sentiment) or score (the answer's score)


def rules_fingerprint(keyword_rows: list[tuple], term_rows: list[tuple]) -> str:
    """What decides a text's themes besides the text: the two seeds and this package's matching and scoring
    code. A stored assignment made under another fingerprint is made again."""
    code = "".join(inspect.getsource(module) for module in (themes, sentiment)) + inspect.getsource(assign) + inspect.getsource(polarity)
    content = json.dumps([sorted(map(list, keyword_rows)), sorted(map(list, term_rows)), code], ensure_ascii=False, default=str)
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def polarity(clause_sentiment: float, score_polarity: int) -> tuple[str, str]:
    if clause_sentiment >= NEUTRAL_BAND:
        return "praise", "text"
    if clause_sentiment <= -NEUTRAL_BAND:
        return "complaint", "text"
    return {1: "praise", -1: "complaint"}.get(score_polarity, "neutral"), "score"


def assign(texts: Iterable[FeedbackText], taxonomy: Taxonomy, scorer: SentimentScorer) -> Iterator[ThemeMention]:
    tokenizer = taxonomy.tokenizer
    for text in texts:
        language = language_of(text.text)
        sentiments: dict[str, float] = {}
        for clause in tokenizer.clauses(text.text, language):
            tokens = tokenizer.tokens(clause, language)
            themes = taxonomy.themes_in(tokens, language)
            if themes:
                clause_sentiment = scorer.score(clause, tokens, language)
                for theme in themes:
                    sentiments.setdefault(theme, clause_sentiment)
        if not sentiments:
            yield ThemeMention(text.source, text.text_id, language, None, None, None, None)
        for theme in sorted(sentiments):
            yield ThemeMention(text.source, text.text_id, language, theme, sentiments[theme],
                               *polarity(sentiments[theme], text.score_polarity))
