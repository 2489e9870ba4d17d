"""Sentiment of one clause in [-1, 1]: VADER for English, a lexicon with negation for Korean.

Both read the domain terms of seeds/feedback_sentiment_terms.csv (valence on VADER's -4..4 scale): for
English they extend VADER's lexicon (which has no opinion of "slow" or "crashes"); for Korean they are the
lexicon, matched as prefixes of the tokenizer's morphemes (느리, 비싸, 만족). A Korean clause with a negation (않, 안,
못, 없) has its valence reversed, and a negated clause without any valence ("안 돼요": it does not work)
counts as a complaint.
"""

from __future__ import annotations

import math
from functools import cached_property

KOREAN_NEGATIONS = frozenset({"않", "안", "못", "없"})
NEGATED_NEUTRAL_VALENCE = -1.0
VADER_ALPHA = 15.0  # VADER's normalisation of a valence sum into (-1, 1)


class SentimentScorer:
    def __init__(self, terms: list[tuple[str, str, float]]):
        problems = [f"({language!r}, {term!r})" for language, term, _ in terms if language not in ("en", "ko") or not term]
        if problems:
            raise ValueError(f"feedback_sentiment_terms: language must be 'en' or 'ko' and the term set; fix: {', '.join(problems)}")
        self.english_terms = {term.lower(): float(valence) for language, term, valence in terms if language == "en"}
        self.korean_terms = {term: float(valence) for language, term, valence in terms if language == "ko"}

    @cached_property
    def vader(self):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        analyzer.lexicon.update(self.english_terms)
        return analyzer

    def score(self, clause: str, tokens: list[str], language: str) -> float:
        if language == "en":
            return self.vader.polarity_scores(clause)["compound"]
        valence = sum(self._korean_valence(token) for token in tokens)
        if KOREAN_NEGATIONS.intersection(tokens):
            valence = -valence if valence else NEGATED_NEUTRAL_VALENCE
        return valence / math.sqrt(valence * valence + VADER_ALPHA)

    def _korean_valence(self, morpheme: str) -> float:
        """The valence of the longest term the morpheme starts with: 훌륭 covers 훌륭하 (the tokenizer gives either)."""
        for end in range(len(morpheme), 0, -1):
            if morpheme[:end] in self.korean_terms:
                return self.korean_terms[morpheme[:end]]
        return 0.0
