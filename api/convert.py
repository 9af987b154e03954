"""Records to response bodies."""

from __future__ import annotations

from api.schemas import (
    ChallengeOut,
    DocumentOut,
    OrganisationOut,
    PersonOut,
    SuggestionOrganisation,
    SuggestionOut,
)
from matcher.records import Challenge, Organisation, Person, Principal, Suggestion
from matcher.usecases.embedding_status import (
    EmbeddingCheck,
    challenge_embedding,
    person_embedding,
)


def organisation_out(org: Organisation, principal: Principal) -> OrganisationOut:
    """Contact e-mail only for the organisation itself and staff."""
    show = principal.is_staff or principal.organisation_id == org.id
    return OrganisationOut(
        id=org.id,
        name=org.name,
        sector=org.sector_code,
        sector_name=org.sector_name,
        province=org.province,
        contact_email=org.contact_email if show else None,
    )


def person_out(person: Person, check: EmbeddingCheck) -> PersonOut:
    """A profile; pending while any of its texts waits for a vector."""
    embedding = person_embedding(person, check)
    docs = [
        DocumentOut(
            id=d.id,
            kind=d.kind.value,
            title=d.title,
            text=d.body,
            embedding_status=embedding.documents[d.id],
        )
        for d in person.documents
    ]
    return PersonOut(
        id=person.id,
        organisation_id=person.organisation_id,
        name=person.name,
        role=person.role,
        email=person.email,
        languages=list(person.languages),
        summary=person.summary,
        capacity_hours_per_month=person.capacity_hours_per_month,
        available_from=person.available_from,
        available_until=person.available_until,
        willing_to_speak=person.willing_to_speak,
        speaker_topics=list(person.speaker_topics),
        consent=person.consent,
        conflict_organisation_ids=list(person.conflict_organisation_ids),
        embedding_status=embedding.status,
        documents=[d for d in docs if d.kind not in ("summary", "speaker_topics")],
    )


def challenge_out(challenge: Challenge, check: EmbeddingCheck) -> ChallengeOut:
    """A challenge with its embedding status."""
    return ChallengeOut(
        id=challenge.id,
        organisation_id=challenge.organisation_id,
        title=challenge.title,
        description=challenge.description,
        kind=challenge.kind,
        hours_needed=challenge.hours_needed,
        starts_on=challenge.starts_on,
        needed_by=challenge.needed_by,
        status=challenge.status,
        embedding_status=challenge_embedding(challenge, check),
        created_at=challenge.created_at.isoformat(),
        updated_at=challenge.updated_at.isoformat(),
    )


def suggestion_out(s: Suggestion) -> SuggestionOut:
    """A suggestion."""
    return SuggestionOut(
        person_id=s.person_id,
        person_name=s.person_name,
        person_role=s.person_role,
        organisation=SuggestionOrganisation(
            id=s.organisation_id,
            name=s.organisation_name,
            sector=s.sector_code,
            sector_name=s.sector_name,
            province=s.province,
        ),
        score=s.score,
        score_parts=s.score_parts,
        features=s.features,
        evidence=s.evidence,
        explanation=s.explanation,
        explanation_lines=s.explanation_lines,
        free_hours=s.free_hours,
        email=s.email,
    )
