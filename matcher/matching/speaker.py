"""Speaker fit: a declared speaker topic matches a speaker challenge by meaning or by word."""

from __future__ import annotations

from collections.abc import Sequence

from matcher.matching.terms import acronyms, is_key_word
from matcher.matching.text import content_words, related_words
from matcher.records import Candidate

TOPICS_KIND = "speaker_topics"
"""The document kind holding a person's declared speaker topics (never track-record evidence)."""


def topic_similarity(candidate: Candidate) -> float | None:
    """Dense similarity of the person's speaker-topics document to the challenge, if embedded."""
    return next(
        (d.dense for d in candidate.documents if d.kind == TOPICS_KIND and d.dense is not None),
        None,
    )


def _by_word(
    candidate: Candidate, query_words: Sequence[str], query_acronyms: set[str]
) -> list[str]:
    matched = []
    for topic in candidate.speaker_topics:
        topic_words = [w for w in content_words(topic) if is_key_word(w)]
        if acronyms(topic) & query_acronyms or any(
            related_words(t, q) for t in topic_words for q in query_words
        ):
            matched.append(topic)
    return matched


def speaker_topic_fit(
    candidates: Sequence[Candidate],
    query_words: Sequence[str],
    *,
    relative: float,
    by_meaning: bool = True,
    query_acronyms: set[str] | None = None,
) -> dict[int, tuple[float, list[str]]]:
    """Per person, whether their declared topics fit the challenge (1 or 0) and which topics.

    By meaning: the person's topics document is among the closest to the challenge in this
    pool (at least ``relative`` times the best similarity). Similarities of a short topic
    line to a long challenge are small and model-dependent, so the pool sets the scale; a
    graded fit (between the pool's median and best) was measured and ranked worse. By word:
    a topic that shares a key word (or a long stem, or an acronym such as "AI") with the
    challenge. Pass only the people who may be suggested: the scale is theirs.
    """
    similarity = {c.person_id: topic_similarity(c) for c in candidates} if by_meaning else {}
    best = max((v for v in similarity.values() if v is not None), default=0.0)
    out: dict[int, tuple[float, list[str]]] = {}
    for candidate in candidates:
        value = similarity.get(candidate.person_id)
        if value is not None and best > 0 and value >= relative * best:
            out[candidate.person_id] = (1.0, list(candidate.speaker_topics))
            continue
        by_word = _by_word(candidate, query_words, query_acronyms or set())
        out[candidate.person_id] = (1.0 if by_word else 0.0, by_word)
    return out
