"""Partner challenges ask for an organisation: rank organisations by the strength of their team."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.matching.scoring import ScoredCandidate, ScoringConfig, organisation_strength


@dataclass(frozen=True, slots=True)
class PartnerRank:
    """An organisation with its team strength and the people who carry it, best first."""

    organisation_id: int
    strength: float
    cross_sector: bool
    people: list[ScoredCandidate]


def rank_partners(
    scored: Sequence[ScoredCandidate],
    *,
    top: int,
    people_per_organisation: int = 3,
    config: ScoringConfig | None = None,
) -> list[PartnerRank]:
    """Organisations by team strength (best person plus half the second), cross-sector preferred."""
    config = config or ScoringConfig()
    strength = organisation_strength(scored)
    members: dict[int, list[ScoredCandidate]] = defaultdict(list)
    for s in scored:
        if s.candidate.organisation_id is not None:
            members[s.candidate.organisation_id].append(s)
    out: list[PartnerRank] = []
    for org, people in members.items():
        people.sort(key=lambda s: (-s.relevance, s.candidate.person_id))
        cross = people[0].cross_sector
        value = strength[org] / 1.5
        if cross:
            value *= 1.0 + config.cross_sector_bonus
        out.append(
            PartnerRank(
                organisation_id=org,
                strength=value,
                cross_sector=cross,
                people=people[:people_per_organisation],
            )
        )
    out.sort(key=lambda p: (-p.strength, p.organisation_id))
    return out[:top]
