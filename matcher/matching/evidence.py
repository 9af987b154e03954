"""A document's evidence for a challenge: its dense and lexical similarity, and how a
person's documents add up (how many count and with what weight)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matcher.matching.config import ScoringConfig
from matcher.matching.dense import routed_dense
from matcher.matching.lexical import Document as LexicalDocument
from matcher.matching.lexical import is_current_features, saturated_similarities
from matcher.matching.lexical import similarities as lexical_similarities
from matcher.matching.speaker import TOPICS_KIND
from matcher.matching.terms import expertise_text
from matcher.records import Candidate, ChallengeQuery, EvidenceDoc, document_text


@dataclass(slots=True)
class DocScore:
    """A document's contribution to a candidate's relevance."""

    doc: EvidenceDoc
    dense: float
    lexical: float
    relevance: float
    share: float = 0.0
    shared_terms: list[str] = field(default_factory=list)
    terms_filled: bool = False


def lexical_scores(
    query: ChallengeQuery, candidates: Sequence[Candidate], config: ScoringConfig
) -> dict[int, float]:
    """Character n-gram TF-IDF cosine per document id, over every candidate's documents."""
    docs = [d for c in candidates for d in c.documents if d.kind != TOPICS_KIND]
    if not config.use_lexical or not docs:
        return {}
    # Context (when, where, for whom) is left out: it is not the expertise asked for.
    text = expertise_text(query.text) if config.drop_context_words else query.text
    documents = [_lexical_document(d) for d in docs]
    values = (
        saturated_similarities(text, documents)
        if config.lexical_saturation
        else lexical_similarities(text, documents)
    )
    return {d.document_id: float(v) for d, v in zip(docs, values, strict=True)}


def dense_mean(candidates: Sequence[Candidate], config: ScoringConfig) -> float | None:
    """The challenge's mean dense similarity over the candidates' documents (for centring)."""
    if config.dense_centre is None:
        return None
    values = [
        v
        for c in candidates
        for d in c.documents
        if d.kind != TOPICS_KIND
        and (v := routed_dense(d.dense, d.dense_english, config)) is not None
    ]
    if len(values) < config.dense_centre_min_documents:
        return None  # too few to estimate the challenge's level
    return sum(values) / len(values)


def _lexical_document(doc: EvidenceDoc) -> LexicalDocument:
    """The document's stored n-gram features, or its text when none are stored (yet)."""
    if doc.lexical_features is not None and is_current_features(doc.lexical_features):
        return doc.lexical_features
    return document_text(doc.title, doc.body)


def doc_scores(
    candidate: Candidate,
    lexical: Mapping[int, float],
    config: ScoringConfig,
    dense_mean: float | None = None,
) -> list[DocScore]:
    """A candidate's track-record documents scored, best first (declared topics left out)."""
    out: list[DocScore] = []
    for doc in candidate.documents:
        if doc.kind == TOPICS_KIND:  # declared, not track record: used for speaker fit only
            continue
        similarity = routed_dense(doc.dense, doc.dense_english, config)
        if similarity is not None and dense_mean is not None and config.dense_centre is not None:
            # Some challenges resemble every document more than others do (length, style):
            # centring makes a person's scores for different challenges comparable.
            similarity = config.dense_centre + similarity - dense_mean
        dense = similarity if (similarity is not None and config.use_dense) else 0.0
        lex = lexical.get(doc.document_id, 0.0)
        lexical_weight = (
            config.english_lexical_weight
            if doc.dense_english is not None and config.english_dense_weight > 0
            else config.lexical_weight
        )
        relevance = config.dense_weight * dense + lexical_weight * lex
        out.append(DocScore(doc=doc, dense=dense, lexical=lex, relevance=relevance))
    out.sort(key=lambda d: (-d.relevance, d.doc.document_id))
    return out


def evidence_weights(config: ScoringConfig, documents: int = 0) -> list[float]:
    """Weight of the best, second, ... document: 1, decay, decay², ... for the top k.

    With ``evidence_share`` set, a person with many documents counts more of them (k grows to
    that share of their documents) under the same overall decay, stretched over the k: the
    best few of fifteen long abstracts say less about a person than the best few of three.
    """
    k = max(config.top_k, 1)
    if config.evidence_share > 0 and documents > k:
        stretched = max(k, math.ceil(config.evidence_share * documents))
        return [config.evidence_decay ** (i * k / stretched) for i in range(stretched)]
    return [config.evidence_decay**i for i in range(k)]


DENSE_MEAN_TOP = 3
"""The dense_mean_top feature averages this many best documents by dense similarity."""


def documents_needed(config: ScoringConfig, documents: int) -> int:
    """How many of a person's documents nearest to the challenge scoring can use.

    The score aggregates the best documents by relevance (dense plus lexical) with one
    weight each (evidence_weights, which counts more of a long track record) and a feature
    the best DENSE_MEAN_TOP by dense similarity.
    """
    return max(len(evidence_weights(config, documents)), DENSE_MEAN_TOP)


def aggregate(docs: list[DocScore], config: ScoringConfig, documents: int) -> float:
    """Evidence-weighted sum of the best documents; sets each document's share of it.

    Divided by the full weight sum, so a person with k equally good documents scores like
    one such document and a person with fewer supporting documents scores less.
    """
    weights = evidence_weights(config, documents)
    norm = sum(weights)
    contributions = [w * d.relevance / norm for w, d in zip(weights, docs, strict=False)]
    total = sum(contributions)
    for d, c in zip(docs, contributions, strict=False):
        d.share = c / total if total > 0 else 0.0
    return total
