"""Candidate themes among the texts the taxonomy misses, for a maintainer to review and add as keywords.

TF-IDF over the texts' words (English) or morphemes (Korean, nouns and stems), then non-negative matrix
factorisation (scikit-learn, deterministic NNDSVD start): each component is a candidate theme, described by
its top terms and the texts it dominates. Only terms found in the texts of at least `MIN_AUTHORS_PER_TERM`
authors enter the vocabulary, so no term of one person's texts (their name, a product id), however often they
wrote it, can appear in the report. A text without a known author counts as an author of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engagement_warehouse.feedback.themes import Tokenizer, language_of

MIN_AUTHORS_PER_TERM = 5
MAX_CANDIDATES = 5
TOP_TERMS = 6
# Words that carry no theme: function words, the politeness and thanks of feedback itself, and the
# placeholder without_contact_data leaves where contact data was ("[contact data]").
STOP_WORDS = frozenset([
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "with", "from", "by", "is", "are",
    "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "i", "we", "you", "they", "me", "my",
    "our", "your", "us", "them", "so", "very", "really", "just", "too", "also", "not", "no", "please", "would", "could",
    "should", "can", "will", "thanks", "thank", "all", "good", "nothing", "add", "keep", "up", "so", "far", "much",
    "lot", "more", "any", "some", "there", "here", "what", "when", "how", "contact", "data", "감사", "없", "특별히", "있", "좋",
    "하", "되", "추가", "주",
])
SAME_CANDIDATE_TERMS = 2  # components sharing this many of their top three terms are one candidate


@dataclass(frozen=True)
class CandidateTheme:
    rank: int  # 1 = the candidate dominating the most texts
    language: str
    top_terms: str  # comma-separated, strongest first
    texts: int  # unmatched texts this candidate dominates
    share_of_unmatched: float


def candidate_themes(texts: list[tuple[str, str | None]], tokenizer: Tokenizer,
                     max_candidates: int = MAX_CANDIDATES) -> list[CandidateTheme]:
    """Candidates per language among `texts`, (text, author key) pairs of the texts without a listed theme."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    candidates = []
    for language in ("en", "ko"):
        written = [(author if author is not None else f"text {number}",
                    [token for token in tokenizer.tokens(text, language) if token not in STOP_WORDS and len(token) > 1])
                   for number, (text, author) in enumerate(texts) if language_of(text) == language]
        authors_of: dict[str, set[str]] = {}
        for author, document in written:
            for token in document:
                authors_of.setdefault(token, set()).add(author)
        documents = [[token for token in document if len(authors_of[token]) >= MIN_AUTHORS_PER_TERM] for _, document in written]
        if len(documents) < MIN_AUTHORS_PER_TERM:
            continue
        vectorizer = TfidfVectorizer(analyzer=lambda document: document)
        try:
            weights = vectorizer.fit_transform(documents)
        except ValueError:  # no term in enough texts
            continue
        components = min(max_candidates, weights.shape[1], weights.shape[0])
        model = NMF(n_components=components, init="nndsvd", max_iter=500, random_state=0)
        text_weights = model.fit_transform(weights)
        terms = vectorizer.get_feature_names_out()
        dominant = np.where(text_weights.max(axis=1) > 0, text_weights.argmax(axis=1), -1)
        found: list[list] = []  # [texts, top terms], merged where NMF split one theme into two components
        for component in sorted(range(components), key=lambda c: -int((dominant == c).sum())):
            order = np.argsort(-model.components_[component], kind="stable")[:TOP_TERMS]
            top = [terms[i] for i in order if model.components_[component, i] > 0]
            count = int((dominant == component).sum())
            if not top or not count:
                continue
            same = next((kept for kept in found if len(set(kept[1][:3]) & set(top[:3])) >= SAME_CANDIDATE_TERMS), None)
            if same:
                same[0] += count
            else:
                found.append([count, top])
        for rank, (count, top) in enumerate(sorted(found, key=lambda item: (-item[0], item[1])), start=1):
            candidates.append(CandidateTheme(rank, language, ", ".join(top), count, count / len(documents)))
    return candidates
