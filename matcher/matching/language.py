"""Which language a text is written in (English or Dutch), from its function words.

Only the two languages the association writes in are told apart: the English model's vector
is worth storing for English texts alone. Function words are frequent and unambiguous in
running text, so counting them is enough for a paragraph; a text too short to tell, or a
mixed one, is "unknown" and keeps the multilingual model only.
"""

from __future__ import annotations

from typing import Literal

from matcher.matching.text import words

Language = Literal["en", "nl"]

# Frequent words that occur in one of the two languages only ("in", "is", "was" are both).
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "to",
        "a",
        "with",
        "for",
        "that",
        "this",
        "are",
        "on",
        "by",
        "from",
        "be",
        "as",
        "which",
        "our",
        "their",
        "these",
        "an",
        "has",
        "have",
        "been",
        "were",
        "or",
        "not",
        "can",
        "its",
        "than",
        "how",
        "into",
        "also",
        "between",
        "both",
        "such",
        "using",
        "when",
        "where",
        "while",
        "about",
        "after",
        "more",
        "most",
        "other",
        "only",
        "each",
        "would",
        "should",
    ]
)
_DUTCH = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "voor",
        "met",
        "dat",
        "die",
        "dit",
        "zijn",
        "op",
        "door",
        "uit",
        "als",
        "wij",
        "onze",
        "hun",
        "deze",
        "heeft",
        "hebben",
        "werd",
        "worden",
        "niet",
        "kan",
        "dan",
        "hoe",
        "naar",
        "ook",
        "tussen",
        "zowel",
        "zoals",
        "bij",
        "wanneer",
        "waar",
        "terwijl",
        "over",
        "na",
        "meer",
        "meest",
        "andere",
        "alleen",
        "elk",
        "zou",
        "moeten",
        "wordt",
        "nog",
        "maar",
    ]
)
MIN_FUNCTION_WORDS = 4
"""Below this many function words a text is too short to tell."""


def detect_language(text: str) -> Language | None:
    """ "en" or "nl" when the text's function words clearly say so, else None."""
    tokens = words(text)
    english = sum(1 for t in tokens if t in _ENGLISH)
    dutch = sum(1 for t in tokens if t in _DUTCH)
    if english + dutch < MIN_FUNCTION_WORDS:
        return None
    if english >= 2 * dutch:
        return "en"
    if dutch >= 2 * english:
        return "nl"
    return None


def is_english(text: str) -> bool:
    """True when the text is clearly written in English."""
    return detect_language(text) == "en"
