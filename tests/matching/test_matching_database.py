"""Matching on the real database: constraints through the HTTP API, diversity, exposure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg
import numpy as np

from matcher.records import Role
from matcher.storage import candidates as candidate_store
from tests.conftest import Api
from tests.factories import create_challenge, create_organisation, create_person

BIO_TEXT = (
    "Informatiebeveiligingsbeleid opgesteld volgens de BIO voor een gemeente, "
    "met risicoanalyse, ENSIA-verantwoording en audit."
)


async def _org(api: Api, pm: dict[str, str], name: str, sector: str) -> int:
    return await create_organisation(
        api, pm, name, sector, email=f"info@{sector}-{len(name)}.example"
    )


async def _person(
    api: Api, pm: dict[str, str], org: int, name: str, text: str = BIO_TEXT, **fields: Any
) -> int:
    fields = {
        "consent": True,
        "capacity_hours_per_month": 12,
        "documents": [{"kind": "project", "title": "BIO-implementatie", "text": text}],
        **fields,
    }
    return await create_person(api, pm, name, organisation_id=org, **fields)


async def _challenge(api: Api, member: dict[str, str], kind: str, **fields: Any) -> int:
    return await create_challenge(api, member, kind=kind, **fields)


async def _suggested(api: Api, member: dict[str, str], cid: int, top: int = 10) -> list[Any]:
    r = await api.client.get(f"/challenges/{cid}/suggestions?top={top}", headers=member)
    assert r.status_code == 200, r.text
    items: list[Any] = r.json()["items"]
    return items


async def test_excluded_people_are_never_suggested_through_the_api(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    poster = await _org(api, pm, "Gemeente Poster", "overheden")
    ict = await _org(api, pm, "ICT Partner", "ict")
    zorg = await _org(api, pm, "Zorg Partner", "zorg")
    await _person(api, pm, poster, "Eigen Collega")
    await _person(api, pm, ict, "Geen Toestemming", consent=False)
    await _person(api, pm, zorg, "Met Conflict", conflict_organisation_ids=[poster])
    await _person(api, pm, zorg, "Zonder Uren", capacity_hours_per_month=0)
    await _person(api, pm, ict, "Wel Geschikt")
    member = await api.key(Role.member, poster)
    capacity = await _challenge(api, member, "capacity", hours_needed=10)
    knowledge = await _challenge(api, member, "knowledge")
    await api.drain()

    items = await _suggested(api, member, capacity)
    assert [i["person_name"] for i in items] == ["Wel Geschikt"]
    # Without a need for hours, a person without free hours may help (but never the others).
    items = await _suggested(api, member, knowledge)
    assert sorted(i["person_name"] for i in items) == ["Wel Geschikt", "Zonder Uren"]
    # Embedding the capacity challenge proposed "Wel Geschikt" for it: that counts as
    # exposure this week, so for the next challenge the equally relevant colleague is ahead.
    by_name = {i["person_name"]: i for i in items}
    assert by_name["Wel Geschikt"]["features"]["recent_exposure"] == 1.0
    assert by_name["Wel Geschikt"]["score_parts"]["exposure_factor"] == round(1 / 1.05, 6)
    assert "exposure_factor" not in by_name["Zonder Uren"]["score_parts"]
    assert [i["person_name"] for i in items] == ["Zonder Uren", "Wel Geschikt"]
    expected = by_name["Zonder Uren"]["score"] / 1.05
    assert abs(by_name["Wel Geschikt"]["score"] - expected) < 2e-6


async def test_cross_sector_bonus_and_diversity_through_the_api(api: Api) -> None:
    pm = await api.key(Role.programme_manager)
    poster = await _org(api, pm, "Gemeente Poster", "overheden")
    big = await _org(api, pm, "Groot ICT-bedrijf", "ict")
    peer = await _org(api, pm, "Gemeente Buur", "overheden")
    for n in range(4):
        await _person(api, pm, big, f"Expert{n} Groot")
    weaker = "Beleid voor informatiebeveiliging bij een gemeente."
    await _person(api, pm, peer, "Buur Adviseur", text=weaker)
    member = await api.key(Role.member, poster)
    cid = await _challenge(api, member, "knowledge")
    await api.drain()

    items = await _suggested(api, member, cid, top=3)
    orgs = [i["organisation"]["name"] for i in items]
    assert orgs.count("Groot ICT-bedrijf") == 2
    assert "Gemeente Buur" in orgs
    first = items[0]
    last = next(i for i in items if i["organisation"]["name"] == "Gemeente Buur")
    assert first["score_parts"]["cross_sector_bonus"] == 0.05
    assert "Cross-sector: Overheden → ICT-dienstverlening (+5%)." in first["explanation_lines"]
    assert "cross_sector_bonus" not in last["score_parts"]
    assert "Zelfde sector (Overheden)." in last["explanation_lines"]
    # All four experts come back when the list may be longer and no one else is left.
    items = await _suggested(api, member, cid, top=5)
    assert sum(i["organisation"]["name"] == "Groot ICT-bedrijf" for i in items) == 4


async def _seed_for_exposure(conn: asyncpg.Connection) -> tuple[int, int, int, int]:
    org = int(
        await conn.fetchval(
            "INSERT INTO organisation (name, sector_code) VALUES ('Org', 'ict') RETURNING id"
        )
    )
    person = int(
        await conn.fetchval(
            "INSERT INTO person (organisation_id, name, email, consent, "
            "capacity_hours_per_month) VALUES ($1, 'P', 'p@example.org', true, 8) RETURNING id",
            org,
        )
    )
    challenges = [
        int(
            await conn.fetchval(
                "INSERT INTO challenge (organisation_id, title, description, kind, text_hash) "
                "VALUES ($1, $2, 'Een uitdaging met genoeg tekst.', 'knowledge', 'x') "
                "RETURNING id",
                org,
                f"Uitdaging {n}",
            )
        )
        for n in range(3)
    ]
    return person, challenges[0], challenges[1], challenges[2]


async def test_exposure_counts_matches_of_the_last_seven_days(conn: asyncpg.Connection) -> None:
    person, current, recent, old = await _seed_for_exposure(conn)
    insert = (
        "INSERT INTO match (challenge_id, person_id, rank, score, created_at) "
        "VALUES ($1, $2, 1, 0.5, now() - $3::interval)"
    )
    await conn.execute(insert, current, person, timedelta(days=1))
    await conn.execute(insert, recent, person, timedelta(days=6))
    await conn.execute(insert, old, person, timedelta(days=8))
    today = date.today()
    window = (today, today + timedelta(days=91))
    loaded = await candidate_store.load_candidates(
        conn, [person], vector=None, model_id="m", window=window, challenge_id=current
    )
    # The match for this very challenge does not count, nor the one from 8 days ago.
    assert [c.recent_exposure for c in loaded] == [1]
    loaded = await candidate_store.load_candidates(
        conn, [person], vector=None, model_id="m", window=window, challenge_id=None
    )
    assert [c.recent_exposure for c in loaded] == [2]


async def test_query_lexemes_leave_out_stop_words_and_stats_count_documents(
    conn: asyncpg.Connection,
) -> None:
    lexemes = await candidate_store.query_lexemes(
        conn, "Wij zoeken iemand die ons helpt met de andere informatiebeveiliging"
    )
    assert "ander" not in lexemes and "zoek" not in lexemes
    assert "informatiebeveil" in lexemes
    org = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('Org', 'ict') RETURNING id"
    )
    person = await conn.fetchval(
        "INSERT INTO person (organisation_id, name, email) VALUES ($1, 'P', 'p@x.org') "
        "RETURNING id",
        org,
    )
    for body in ("Informatiebeveiliging bij gemeenten.", "Informatiebeveiliging.", "Cloud."):
        await conn.execute(
            "INSERT INTO document (person_id, kind, body, text_hash) "
            "VALUES ($1, 'project', $2, 'x')",
            person,
            body,
        )
    stats = await candidate_store.lexical_stats(conn, ["informatiebeveil", "gemeent", "onbekend"])
    assert stats.documents == 3
    assert dict(stats.document_frequency) == {"informatiebeveil": 2, "gemeent": 1}


async def test_candidates_carry_dense_similarity_per_document(conn: asyncpg.Connection) -> None:
    org = await conn.fetchval(
        "INSERT INTO organisation (name, sector_code) VALUES ('Org', 'ict') RETURNING id"
    )
    person = await conn.fetchval(
        "INSERT INTO person (organisation_id, name, email, consent) "
        "VALUES ($1, 'P', 'p@x.org', true) RETURNING id",
        org,
    )
    vector = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    for body, vec in (("Eerste.", [1.0, 0.0, 0.0]), ("Tweede.", [0.0, 1.0, 0.0])):
        await conn.execute(
            "INSERT INTO document (person_id, kind, body, text_hash, embedding, embedding_dim, "
            "embedding_model, embedding_hash) VALUES ($1, 'project', $2, 'h', $3, 3, 'm', 'h')",
            person,
            body,
            np.array(vec, dtype=np.float32),
        )
    today = date.today()
    [loaded] = await candidate_store.load_candidates(
        conn,
        [person],
        vector=vector,
        model_id="m",
        window=(today, today + timedelta(days=30)),
        challenge_id=None,
    )
    assert [(d.body, d.dense) for d in loaded.documents] == [("Eerste.", 1.0), ("Tweede.", 0.0)]
    ids = await candidate_store.candidate_person_ids(
        conn, vector=vector, model_id="m", lexemes=[], exclude_organisation_id=None, limit=5
    )
    assert ids == [person]


async def test_full_text_candidates_are_the_best_hits_up_to_their_own_limit(
    conn: asyncpg.Connection,
) -> None:
    org = await conn.fetchval("INSERT INTO organisation (name) VALUES ('O') RETURNING id")
    bodies = [
        "Zaakgericht werken en zaakgericht archiveren, zaakgericht in elke stap.",
        "Zaakgericht werken in de gemeente.",
        "Een zaakgericht project.",
    ]
    people = []
    for i, body in enumerate(bodies):
        person = await conn.fetchval(
            "INSERT INTO person (organisation_id, name, email, consent) "
            "VALUES ($1, $2, '', true) RETURNING id",
            org,
            f"p{i}",
        )
        await conn.execute(
            "INSERT INTO document (person_id, kind, body, text_hash) VALUES ($1, 'other', $2, 'h')",
            person,
            body,
        )
        people.append(person)
    [lexeme] = await candidate_store.query_lexemes(conn, "zaakgericht")

    async def found(limit: int, lexical_limit: int | None) -> list[int]:
        return await candidate_store.candidate_person_ids(
            conn,
            vector=None,
            model_id="m",
            lexemes=[lexeme],
            exclude_organisation_id=None,
            limit=limit,
            lexical_limit=lexical_limit,
        )

    assert await found(10, None) == sorted(people)
    # The strongest hit by rank (the term three times) comes first; the limit is the lexical one.
    assert await found(10, 1) == [people[0]]
    assert await found(1, 3) == sorted(people)
