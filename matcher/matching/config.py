"""The scorer's weights and switches, and the components the ablation switches off."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Weights and switches of the scorer; the defaults are the best measured configuration.

    See docs/matching.md for what each part does and benchmarks/results/quality.md for what
    each is worth.
    """

    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    top_k: int = 3
    evidence_decay: float = 0.5
    evidence_share: float = 0.5
    """When > 0, a person's top k grows to this share of their documents (see evidence_weights)."""
    cross_sector_bonus: float = 0.05
    province_bonus: float = 0.02
    speaker_topic_bonus: float = 0.15
    speaker_topic_relative: float = 0.8
    unwilling_speaker_factor: float = 0.5
    capacity_penalty: float = 0.6
    exposure_penalty: float = 0.05
    partner_organisation_weight: float = 0.3
    organisation_decay: float = 0.9
    max_per_organisation: int = 2
    use_dense: bool = True
    use_lexical: bool = True
    use_constraints: bool = True
    use_diversity: bool = True
    selective_lexical_candidates: bool = True
    lexical_candidate_documents: int = 50
    """The best full-text hits that bring their people in as candidates, beside the nearest
    documents by vector (db.CANDIDATE_DOCUMENTS). The dense ones bring most of the final top
    10; at 100,000 documents 50 instead of 200 keeps 0.956 of it and scores 226 people
    instead of 366 (benchmarks/scale.py)."""
    nearest_documents_only: bool = True
    """Score each candidate on their documents nearest to the challenge (scoring.documents_needed)."""
    drop_context_words: bool = True
    lexical_saturation: bool = False
    english_dense_weight: float = 1.0
    """Share of the English model in the dense similarity of an English–English pair."""
    english_scale: float = 0.8
    english_shift: float = 0.0
    """English-model cosine c counts as scale * c + shift (on the multilingual model's scale)."""
    english_lexical_weight: float = 0.5
    """The lexical weight of an English–English pair scored by the English model."""
    dense_centre: float | None = 0.1
    """Each dense similarity becomes centre + (similarity - the challenge's mean over the
    candidates' documents); None keeps the raw cosines."""
    dense_centre_min_documents: int = 20
    """Fewer candidate documents than this: no centring (the mean would be noise)."""

    def without(self, component: str) -> ScoringConfig:
        """This configuration with one component switched off (for ablation)."""
        switches = {
            "dense": {"use_dense": False},
            "lexical": {"use_lexical": False},
            "aggregation": {"top_k": 1, "evidence_share": 0.0},
            "cross_sector": {"cross_sector_bonus": 0.0},
            "province": {"province_bonus": 0.0},
            "speaker": {"speaker_topic_bonus": 0.0, "unwilling_speaker_factor": 1.0},
            "capacity": {"capacity_penalty": 0.0},
            "exposure": {"exposure_penalty": 0.0},
            "partner": {"partner_organisation_weight": 0.0},
            "diversity": {"use_diversity": False},
            "context": {"drop_context_words": False},
            "english": {"english_dense_weight": 0.0},
            "centring": {"dense_centre": None},
        }
        if component not in switches:
            raise ValueError(f"unknown component {component!r}; known: {', '.join(switches)}")
        return replace(self, **switches[component])  # type: ignore[arg-type]


ABLATION_COMPONENTS = (
    "dense",
    "lexical",
    "aggregation",
    "cross_sector",
    "province",
    "speaker",
    "capacity",
    "exposure",
    "partner",
    "diversity",
    "context",
    "english",
    "centring",
)
