"""Word handling for lexical evidence: tokens, stop words, Dutch compounds."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)

# Function words in Dutch and English; content words of length >= 3 are kept.
STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "alles",
        "als",
        "altijd",
        "ander",
        "andere",
        "anders",
        "ben",
        "bij",
        "binnen",
        "daar",
        "daarom",
        "dan",
        "dat",
        "de",
        "deze",
        "die",
        "dit",
        "doch",
        "doen",
        "door",
        "dus",
        "een",
        "eens",
        "eigen",
        "en",
        "er",
        "ervoor",
        "ge",
        "geen",
        "gehad",
        "geweest",
        "had",
        "hadden",
        "heb",
        "hebben",
        "heeft",
        "hem",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "iemand",
        "iets",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jij",
        "jou",
        "jouw",
        "kan",
        "kon",
        "kunnen",
        "later",
        "maar",
        "me",
        "meer",
        "men",
        "met",
        "mij",
        "mijn",
        "moet",
        "moeten",
        "na",
        "naar",
        "niet",
        "niets",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "reeds",
        "te",
        "tegen",
        "toch",
        "toen",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "veel",
        "voor",
        "vooral",
        "waar",
        "wat",
        "we",
        "wel",
        "welke",
        "werd",
        "wie",
        "wij",
        "wil",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zelf",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zoals",
        "zonder",
        "zou",
        "zouden",
        "zowel",
        "helpen",
        "graag",
        "willen",
        "zoeken",
        "zoekt",
        "gaan",
        "gaat",
        "komen",
        "komt",
        "nodig",
        "goed",
        "goede",
        "via",
        "wie",
        "waarbij",
        "waarin",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "we",
        "our",
        "you",
        "your",
        "they",
        "their",
        "them",
        "he",
        "she",
        "his",
        "her",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "how",
        "why",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "can",
        "will",
        "just",
        "should",
        "now",
        "also",
        "into",
        "about",
        "over",
        "after",
        "before",
        "under",
        "again",
        "need",
        "needs",
        "looking",
        "someone",
        "help",
        "us",
    ]
)


# Words of asking for and offering help: they occur in challenges and profiles alike and
# say nothing about expertise, so they are neither matched nor shown as key terms.
_REQUEST_WORDS = frozenset(
    [
        "help",
        "helpt",
        "hulp",
        "stellen",
        "opstellen",
        "vaststellen",
        "volgens",
        "zoek",
        "zoekt",
        "gezocht",
        "vinden",
        "vind",
        "ondersteunen",
        "ondersteunt",
        "ondersteuning",
        "begeleiden",
        "begeleidt",
        "mee",
        "meedenken",
        "denken",
    ]
)
STOP_WORDS = STOP_WORDS | _REQUEST_WORDS


def words(text: str) -> list[str]:
    """Lower-case word tokens."""
    return [w.lower() for w in _WORD.findall(text)]


def content_words(text: str) -> list[str]:
    """Tokens that carry meaning: no stop words, no short tokens, no bare numbers."""
    return [w for w in words(text) if len(w) >= 3 and w not in STOP_WORDS and not w.isdigit()]


def related_words(a: str, b: str, *, prefix: int = 6) -> bool:
    """Same word, or sharing a long stem (informatiebeveiliging ~ informatiebeveiligingsbeleid)."""
    if a == b:
        return True
    if len(a) < prefix or len(b) < prefix:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer.startswith(shorter[: max(prefix, len(shorter) - 2)])


def compound_matches(
    query_words: Sequence[str], doc_words: Sequence[str], *, least: int = 5
) -> list[str]:
    """Query words found inside a longer document word, or the reverse (Dutch compounds).

    "beveiliging" in "informatiebeveiligingsbeleid", or "phishing" (document) inside
    "phishingmails" (challenge); parts shorter than ``least`` letters do not count.
    """
    doc_set = set(doc_words)
    out: list[str] = []
    for q in query_words:
        if q in out or len(q) < least:
            continue
        if any(q != d and (q in d or (len(d) >= least and d in q)) for d in doc_set):
            out.append(q)
    return out
