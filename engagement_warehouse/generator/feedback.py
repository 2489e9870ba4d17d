"""Survey comments and review texts drawn from a planted theme model, with their labels as truth.

Each text praises or complains about one theme, sometimes two ("…, but …"), in English or Korean, in
wording varied by template and noun, or mentions no listed theme (thanks, a dark-mode request the seed
taxonomy does not list). Whether a mention complains follows the answer's score; which theme it is
about follows planted weights with two trends: one theme's complaints rise from a planted month, and
one theme's complaints fall after a planted fix. The labels (`feedback_truth.parquet`) and the trend
(`truth.json`) let the theme and sentiment assignment be tested against what was planted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa

THEMES = ("reports", "billing", "mobile_app", "integrations", "performance", "support", "onboarding", "meetings")
THEME_WEIGHTS = np.array([0.16, 0.15, 0.12, 0.11, 0.12, 0.14, 0.10, 0.10])
RISING_THEME, RISING_FACTOR = "performance", 4.0
FIXED_THEME, FIXED_FACTOR = "mobile_app", 0.25
UNLISTED_THEME = "dark_mode"  # asked for in texts, absent from the seed taxonomy: for theme discovery to find
KOREAN_SHARE, TWO_THEME_SHARE, UNTHEMED_SHARE, UNLISTED_SHARE = 0.15, 0.2, 0.06, 0.05
CONTACT_DATA = ("Call me back at +44 20 7946 0000", "Email me: someone@example.com")

# Nouns per theme: English (text, is plural), Korean.
NOUNS_EN = {
    "reports": [("the reports", True), ("reporting", False), ("the report builder", False), ("the dashboards", True),
                ("the analytics charts", True)],
    "billing": [("the pricing", False), ("billing", False), ("the invoices", True), ("the subscription price", False)],
    "mobile_app": [("the mobile app", False), ("the iPhone app", False), ("the Android app", False), ("the app on my phone", False)],
    "integrations": [("the Slack integration", False), ("the integrations", True), ("the Salesforce sync", False),
                     ("the calendar sync", False), ("the API", False)],
    "performance": [("the speed", False), ("performance", False), ("load times", True), ("page loading", False)],
    "support": [("support", False), ("the support team", False), ("customer service", False), ("the help desk", False)],
    "onboarding": [("onboarding", False), ("the setup", False), ("the setup wizard", False), ("the getting started guide", False)],
    "meetings": [("the meeting recordings", True), ("video calls", True), ("the meeting transcripts", True), ("meetings", True)],
}
NOUNS_KO = {
    "reports": ["보고서", "리포트", "대시보드", "통계 차트"],
    "billing": ["요금", "결제", "청구서", "가격"],
    "mobile_app": ["모바일 앱", "아이폰 앱", "안드로이드 앱", "휴대폰 앱"],
    "integrations": ["슬랙 연동", "캘린더 연동", "외부 연동", "API 연동"],
    "performance": ["속도", "성능", "로딩 속도"],
    "support": ["고객 지원", "지원팀", "고객센터", "상담원 응대"],
    "onboarding": ["온보딩", "초기 설정", "튜토리얼", "가입 절차"],
    "meetings": ["회의 녹화", "화상 회의", "회의록", "녹음 기능"],
}
# {N}, {n}: the noun; {be}, {s}: verb agreement with it. A text's first letter is capitalised once it is joined.
CLAUSES_EN = {
    "praise": ["{N} {be} excellent", "{N} {be} great", "really love {n}", "very happy with {n}", "{N} {be} a real time saver",
               "{N} work{s} perfectly", "{N} {be} so easy to use", "big fan of {n}", "{N} {be} not confusing at all"],
    "complaint": ["{N} {be} frustrating", "{N} {be} terrible", "really unhappy with {n}", "{N} need{s} a lot of work",
                  "{N} {be} broken half the time", "disappointed with {n}", "{N} keep{s} failing on us", "{N} {be} a constant headache"],
}
EXTRA_EN = {  # clauses of one theme only, which name it without its nouns
    ("performance", "praise"): ["pages load instantly", "it is not slow at all", "everything feels fast and snappy"],
    ("performance", "complaint"): ["everything is so slow lately", "pages take forever to load", "it lags constantly"],
    ("billing", "praise"): ["great value for the money", "fair pricing for what you get"],
    ("billing", "complaint"): ["too expensive for us", "we were charged twice this month", "the price went up again"],
    ("meetings", "complaint"): ["meetings keep dropping", "the recordings are missing audio"],
    ("support", "praise"): ["support was quick", "the support team solved it in minutes"],
    ("support", "complaint"): ["nobody from support answered for a week"],
    ("onboarding", "complaint"): ["onboarding was confusing", "setup took days"],
    ("mobile_app", "complaint"): ["the app crashes on my phone", "the iPhone app keeps crashing"],
    ("integrations", "complaint"): ["the Slack integration stopped syncing"],
    ("reports", "praise"): ["love the reports"],
    ("reports", "complaint"): ["the reports show wrong numbers"],
}
# {N}: the noun; {i}, {e}, {u}: the particle 이/가, 은/는, 을/를 that fits its last syllable.
CLAUSES_KO = {
    "praise": ["{N}{i} 정말 좋아요", "{N}{i} 너무 편해요", "{N}{i} 훌륭해요", "{N}에 만족해요", "{N}{i} 아주 유용해요", "{N}{e} 최고예요"],
    "complaint": ["{N}{i} 너무 불편해요", "{N}{i} 별로예요", "{N}에 실망했어요", "{N}{e} 개선이 필요해요", "{N}{i} 엉망이에요",
                  "{N}에서 자꾸 오류가 나요"],
}
EXTRA_KO = {
    ("performance", "praise"): ["속도가 전혀 느리지 않아요", "로딩이 정말 빨라요"],
    ("performance", "complaint"): ["속도가 너무 느려요", "로딩이 오래 걸려요"],
    ("billing", "complaint"): ["가격이 너무 비싸요", "요금이 두 번 청구됐어요"],
    ("meetings", "complaint"): ["회의가 자꾸 끊겨요"],
}
# How two clauses join: (same polarity, opposite polarity).
JOINS = {"en": ((", and ", ". Also, "), (", but ", ". However, ")), "ko": ((". 그리고 ", ", 또 "), (". 하지만 ", ", 그런데 "))}
UNTHEMED_EN, UNTHEMED_KO = ("Thanks!", "Nothing to add.", "Keep it up.", "All good so far."), ("감사합니다.", "특별히 없어요.")
UNLISTED_EN = ("Please add dark mode", "A dark theme would be nice at night", "Dark mode please, my eyes hurt")
UNLISTED_KO = ("다크 모드를 추가해 주세요", "다크 모드가 있으면 좋겠어요")


def _has_final_consonant(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0


def _korean(template: str, noun: str) -> str:
    final = _has_final_consonant(noun)
    return template.format(N=noun, i="이" if final else "가", e="은" if final else "는", u="을" if final else "를")


def _english(template: str, noun: str, plural: bool) -> str:
    return template.format(N=noun, n=noun, be="are" if plural else "is", s="" if plural else "s")


def month_starts(start: date, days: int) -> list[date]:
    """The first days of the calendar months that begin inside the window (the start itself if it is one)."""
    first = date(start.year, start.month, 1)
    starts = [] if first < start else [first]
    year, month = start.year, start.month
    end = date.fromordinal(start.toordinal() + days)
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if date(year, month, 1) >= end:
            return starts
        starts.append(date(year, month, 1))


@dataclass(frozen=True)
class FeedbackTrend:
    """The planted trend: complaint weights of one theme multiplied from a month on, another's after a fix."""

    rising_theme: str | None
    rising_from: date | None
    fixed_theme: str | None
    fixed_on: date | None

    @classmethod
    def for_window(cls, start: date, days: int) -> FeedbackTrend:
        """The rise at the last month that starts in the window (needs three), the fix a month before it."""
        starts = month_starts(start, days)
        fix = starts[-2] if len(starts) >= 2 else None
        rise = starts[-1] if len(starts) >= 3 else None
        return cls(RISING_THEME if rise else None, rise, FIXED_THEME if fix else None, fix)

    def complaint_weights(self, at: date) -> np.ndarray:
        """Which theme a complaint is about. The rising theme takes its extra share from every other theme,
        so no other theme's complaint share rises with it."""
        weights = THEME_WEIGHTS.copy()
        if self.rising_from and at >= self.rising_from:
            weights[THEMES.index(self.rising_theme)] *= RISING_FACTOR
        return weights / weights.sum()

    def stays_a_complaint(self, theme: str, at: date, draw: float) -> bool:
        """After the fix, most complaints about the fixed theme turn into praise (no other theme gains)."""
        return not (theme == self.fixed_theme and self.fixed_on and at >= self.fixed_on and draw >= FIXED_FACTOR)

    def as_dict(self) -> dict:
        return {"themes": list(THEMES), "unlisted_theme": UNLISTED_THEME,
                "rising_theme": self.rising_theme, "rising_from": self.rising_from and self.rising_from.isoformat(),
                "rising_factor": RISING_FACTOR, "fixed_theme": self.fixed_theme,
                "fixed_on": self.fixed_on and self.fixed_on.isoformat(), "fixed_factor": FIXED_FACTOR,
                "notes": "complaint weight of the rising theme = base weight x rising_factor from rising_from on "
                         "(renormalised); after fixed_on a complaint about the fixed theme stays one with probability "
                         "fixed_factor, else it is praise; a mention complains with probability 0.85 / 0.5 / 0.1 for a "
                         "low / middle / high score; "
                         "labels per text and theme in _generator/feedback_truth.parquet"}


@dataclass
class FeedbackTexts:
    """Writes texts for answers or reviews and keeps their labels (one row per text and theme)."""

    rng: np.random.Generator
    trend: FeedbackTrend
    labels: dict[str, list] = field(default_factory=lambda: {"source": [], "text_id": [], "language": [], "theme": [],
                                                               "polarity": [], "has_contact_data": []})

    def _clause(self, theme: str, polarity: str, korean: bool) -> str:
        rng = self.rng
        extra = (EXTRA_KO if korean else EXTRA_EN).get((theme, polarity), [])
        generic = (CLAUSES_KO if korean else CLAUSES_EN)[polarity]
        if extra and rng.random() < 0.3:
            return extra[rng.integers(len(extra))]
        template = generic[rng.integers(len(generic))]
        if korean:
            nouns = NOUNS_KO[theme]
            return _korean(template, nouns[rng.integers(len(nouns))])
        noun, plural = NOUNS_EN[theme][rng.integers(len(NOUNS_EN[theme]))]
        return _english(template, noun, plural)

    def _label(self, source: str, text_id: str, korean: bool, theme: str | None, polarity: str | None, contact: bool) -> None:
        for key, value in zip(self.labels, (source, text_id, "ko" if korean else "en", theme, polarity, contact), strict=True):
            self.labels[key].append(value)

    def write(self, source: str, text_ids: list[str], complaint_probability: np.ndarray, at: list[date],
              has_contact_data: np.ndarray) -> list[str]:
        """One text per id; `complaint_probability` from each answer's score."""
        rng, texts = self.rng, []
        for text_id, p_complaint, day, contact in zip(text_ids, complaint_probability, at, has_contact_data, strict=True):
            korean = rng.random() < KOREAN_SHARE
            kind = rng.random()
            if kind < UNTHEMED_SHARE:
                choices = UNTHEMED_KO if korean else UNTHEMED_EN
                text, mentions = choices[rng.integers(len(choices))], [(None, None)]
            elif kind < UNTHEMED_SHARE + UNLISTED_SHARE:
                choices = UNLISTED_KO if korean else UNLISTED_EN
                text, mentions = choices[rng.integers(len(choices))], [(UNLISTED_THEME, "request")]
            else:
                main = "complaint" if rng.random() < p_complaint else "praise"
                mentions = [self._mention(main, day)]
                if rng.random() < TWO_THEME_SHARE:
                    other = main if rng.random() < 0.5 else ("praise" if main == "complaint" else "complaint")
                    second = self._mention(other, day)
                    while second[0] == mentions[0][0]:
                        second = self._mention(other, day)
                    mentions.insert(0, second)
                clauses = [self._clause(theme, polarity, korean) for theme, polarity in mentions]
                joins = JOINS["ko" if korean else "en"][len({polarity for _, polarity in mentions}) - 1]
                text = joins[rng.integers(len(joins))].join(clauses) if len(clauses) == 2 else clauses[0]
                text = text[0].upper() + text[1:] + "."
            if contact:
                text = f"{text} {CONTACT_DATA[rng.integers(len(CONTACT_DATA))]}"
            texts.append(text)
            for theme, polarity in mentions:
                self._label(source, text_id, korean, theme, polarity, bool(contact))
        return texts

    def _mention(self, polarity: str, day: date) -> tuple[str, str]:
        weights = self.trend.complaint_weights(day) if polarity == "complaint" else THEME_WEIGHTS / THEME_WEIGHTS.sum()
        theme = THEMES[self.rng.choice(len(THEMES), p=weights)]
        if polarity == "complaint" and not self.trend.stays_a_complaint(theme, day, self.rng.random()):
            polarity = "praise"
        return theme, polarity

    def truth_table(self) -> pa.Table:
        return pa.table(self.labels, schema=pa.schema([("source", pa.string()), ("text_id", pa.string()), ("language", pa.string()),
                                                       ("theme", pa.string()), ("polarity", pa.string()),
                                                       ("has_contact_data", pa.bool_())]))


def complaint_probability(score: np.ndarray, low: int, high: int) -> np.ndarray:
    """0.85 at or below `low`, 0.1 at or above `high`, 0.5 between (NPS 6/9, CSAT and ratings 2/4)."""
    return np.select([score <= low, score >= high], [0.85, 0.1], 0.5)


def utc_dates(epoch_seconds: np.ndarray) -> list[date]:
    return [datetime.fromtimestamp(int(t), UTC).date() for t in epoch_seconds]
