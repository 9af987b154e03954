"""Organisation-level partner suggestions for a challenge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg
import numpy as np

from matcher.matching.explain import evidence_items
from matcher.matching.partners import rank_partners
from matcher.records import Principal
from matcher.usecases.suggestions import (
    SuggestionOptions,
    own_embedded_challenge,
    query_for_challenge,
    score_query,
)


@dataclass(frozen=True, slots=True)
class PartnerPerson:
    """A person who carries an organisation's strength on the challenge."""

    person_id: int
    name: str
    role: str
    relevance: float


@dataclass(frozen=True, slots=True)
class PartnerDocument:
    """A track-record item behind the strength, with its share of its person's score."""

    document_id: int
    person_id: int
    kind: str
    title: str
    share: float


@dataclass(frozen=True, slots=True)
class PartnerSuggestion:
    """An organisation suggested as a partner."""

    organisation_id: int
    organisation_name: str
    sector_code: str | None
    sector_name: str | None
    province: str | None
    strength: float
    cross_sector: bool
    people: list[PartnerPerson]
    documents: list[PartnerDocument]


async def suggest_partners(
    conn: asyncpg.Connection,
    principal: Principal,
    challenge_id: int,
    *,
    model_id: str,
    today: date,
    top: int = 10,
) -> list[PartnerSuggestion]:
    """Organisations ranked by team strength; the challenge's own organisation and staff may ask."""
    challenge, vector = await own_embedded_challenge(
        conn, principal, challenge_id, model_id=model_id, action="sees its partner suggestions"
    )
    query = await query_for_challenge(conn, challenge)
    config = SuggestionOptions().config
    scored = await score_query(
        conn,
        query,
        np.asarray(vector, dtype=np.float32),
        model_id=model_id,
        today=today,
        config=config,
    )
    out: list[PartnerSuggestion] = []
    for rank in rank_partners(scored, top=top, config=config):
        first = rank.people[0].candidate
        documents = [
            PartnerDocument(
                document_id=int(str(item["document_id"])),
                person_id=s.candidate.person_id,
                kind=str(item["kind"]),
                title=str(item["title"]),
                share=float(str(item["share"])),
            )
            for s in rank.people
            for item in evidence_items(s, limit=2)
        ]
        out.append(
            PartnerSuggestion(
                organisation_id=rank.organisation_id,
                organisation_name=first.organisation_name,
                sector_code=first.sector_code,
                sector_name=first.sector_name,
                province=first.province,
                strength=round(rank.strength, 6),
                cross_sector=rank.cross_sector,
                people=[
                    PartnerPerson(
                        person_id=s.candidate.person_id,
                        name=s.candidate.person_name,
                        role=s.candidate.person_role,
                        relevance=round(s.relevance, 6),
                    )
                    for s in rank.people
                ],
                documents=documents,
            )
        )
    return out
