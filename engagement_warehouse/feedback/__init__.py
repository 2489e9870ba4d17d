"""Feedback themes: which listed themes a survey comment or review mentions, and whether it praises or complains.

`themes` finds the seed taxonomy's keywords (seeds/feedback_theme_keywords.csv) in each clause of a text,
English by words and Korean by morphemes (kiwipiepy), so particles and endings do not hide a keyword.
`sentiment` scores each clause: VADER for English and a lexicon with negation for Korean, both extended by
seeds/feedback_sentiment_terms.csv. `assignment` puts them together, falling back on the answer's score
where a clause carries no sentiment of its own.
"""
