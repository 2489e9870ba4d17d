"""The seed taxonomy and the tokens it is matched against, clause by clause."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A clause ends at a sentence mark or a semicolon, where "but"/"however" (하지만, 그런데) turns the text, or
# at ", and" (그리고, ", 또") which joins a second statement.
ENGLISH_CLAUSE_BREAK = re.compile(r"[.;!?]+\s*|,?\s*\b(?:but|however|although|though)\b,?|,\s*and\b", re.IGNORECASE)
KOREAN_CLAUSE_BREAK = re.compile(r"[.;!?]+\s*|,?\s*(?:하지만|그런데|그렇지만|근데|그리고),?|,\s*또\b")
KIWI_STEM_TAGS = ("NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "VX", "XR", "MAG", "MM", "SL", "SN", "SH", "VCN")


def language_of(text: str) -> str:
    """'ko' for a text with any Hangul syllable, else 'en'."""
    return "ko" if HANGUL.search(text) else "en"


@dataclass(frozen=True)
class Keyword:
    """A keyword of a theme: a sequence of words, each matched whole or, ending in '*', as a prefix."""

    theme: str
    language: str
    words: tuple[str, ...]

    def matches_at(self, tokens: list[str], start: int) -> bool:
        if start + len(self.words) > len(tokens):
            return False
        return all(tokens[start + i].startswith(word[:-1]) if word.endswith("*") else tokens[start + i] == word
                   for i, word in enumerate(self.words))


@cache
def korean_analyzer():
    """kiwipiepy's analyzer, loaded once per process (its ~100 MB model takes seconds) and only when needed."""
    from kiwipiepy import Kiwi

    return Kiwi()


class Tokenizer:
    """Lower-case English words; Korean morphemes (particles and endings split off, compounds written without a
    space split into their nouns: 외부연동 is 외부 + 연동) from kiwipiepy's bundled model."""

    def tokens(self, text: str, language: str) -> list[str]:
        if language == "ko":
            return [token.form.lower() for token in korean_analyzer().tokenize(text) if token.tag.startswith(KIWI_STEM_TAGS)]
        return ENGLISH_WORD.findall(text.lower())

    def clauses(self, text: str, language: str) -> list[str]:
        pattern = KOREAN_CLAUSE_BREAK if language == "ko" else ENGLISH_CLAUSE_BREAK
        return [clause.strip() for clause in pattern.split(text) if clause and clause.strip()]


class Taxonomy:
    """Themes and their keywords per language, from rows of (theme, language, keyword)."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        keywords, problems = [], []
        for theme, language, keyword in rows:
            words = tuple(keyword.strip().lower().split())
            if language not in ("en", "ko") or not theme or not words or any(w == "*" for w in words):
                problems.append(f"({theme!r}, {language!r}, {keyword!r})")
                continue
            keywords.append((theme, language, words))
        if problems:
            raise ValueError("feedback_theme_keywords: each row needs a theme, language 'en' or 'ko' and a keyword "
                             f"(words, a trailing * for a prefix); fix: {', '.join(problems)}")
        self.themes = tuple(sorted({theme for theme, _, _ in keywords}))
        self.tokenizer = Tokenizer()
        # Keywords by their first word, whole or as a prefix (looked up per token instead of trying every keyword);
        # Korean keywords are compared as the morphemes the tokenizer makes of them.
        self._by_first_word: dict[str, dict[str, list[Keyword]]] = {"en": {}, "ko": {}}
        self._by_first_prefix: dict[str, dict[str, list[Keyword]]] = {"en": {}, "ko": {}}
        for theme, language, words in keywords:
            keyword = Keyword(theme, language, self._morphemes(words) if language == "ko" else words)
            first = keyword.words[0]
            index = self._by_first_prefix if first.endswith("*") else self._by_first_word
            index[language].setdefault(first.rstrip("*"), []).append(keyword)
        self._prefix_lengths = {language: sorted({len(prefix) for prefix in index})
                                for language, index in self._by_first_prefix.items()}

    def _morphemes(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """A Korean keyword as the tokenizer splits it; a trailing * stays on its last morpheme."""
        morphemes = []
        for word in words:
            parts = self.tokenizer.tokens(word.rstrip("*"), "ko") or [word.rstrip("*")]
            morphemes += parts[:-1] + [parts[-1] + ("*" if word.endswith("*") else "")]
        return tuple(morphemes)

    def themes_in(self, tokens: list[str], language: str) -> set[str]:
        whole, prefixes, lengths = self._by_first_word[language], self._by_first_prefix[language], self._prefix_lengths[language]
        themes = set()
        for start, token in enumerate(tokens):
            candidates = whole.get(token, []) + [keyword for length in lengths if length <= len(token)
                                                 for keyword in prefixes.get(token[:length], [])]
            themes.update(keyword.theme for keyword in candidates if keyword.matches_at(tokens, start))
        return themes
