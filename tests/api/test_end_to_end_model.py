"""End to end with the real sentence-transformers model: a Dutch challenge finds the right person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from embeddings.sentence import SentenceTransformerEmbedder
from matcher.records import Role
from matcher.settings import Settings
from tests.conftest import Api, serve_api
from tests.factories import challenge_body, create_organisation, create_person

pytestmark = pytest.mark.model

PEOPLE = [
    (
        "ict",
        "Sanne Bakker",
        "Informatiebeveiligingsadviseur",
        [
            (
                "Informatiebeveiligingsbeleid volgens de BIO",
                "Voor een gemeente het informatiebeveiligingsbeleid opgesteld en vastgesteld, afgestemd op de Baseline Informatiebeveiliging Overheid, met rollen, risicoafweging en jaarlijkse evaluatie.",
            ),
            (
                "ENSIA-verantwoording",
                "Begeleiding van de ENSIA-zelfevaluatie en het verantwoordingsproces richting gemeenteraad.",
            ),
        ],
    ),
    (
        "zorg",
        "Ruben Mulder",
        "Netwerkbeheerder",
        [
            (
                "Netwerkvernieuwing ziekenhuis",
                "Vervanging van switches en wifi-accesspoints in drie ziekenhuislocaties, inclusief segmentatie van medische apparatuur.",
            ),
            (
                "Firewallbeheer",
                "Dagelijks beheer van firewalls en VPN-verbindingen voor thuiswerkers.",
            ),
        ],
    ),
    (
        "onderwijs",
        "Lotte Visser",
        "Docent en onderzoeker AI",
        [
            (
                "Generatieve AI in het onderwijs",
                "Lezing over het verantwoord inzetten van taalmodellen in lessen en toetsing.",
            ),
            (
                "Onderzoek leeranalyses",
                "Onderzoek naar dashboards die docenten helpen studievoortgang te volgen.",
            ),
        ],
    ),
    (
        "wonen",
        "Pieter Smit",
        "Projectleider cloudmigratie",
        [
            (
                "Migratie naar Azure",
                "Verhuizing van het vastgoedsysteem en de huurdersportal naar Azure met een landing zone en kostenbeheer.",
            ),
        ],
    ),
    (
        "zakelijk",
        "Eva de Jong",
        "Privacyjurist",
        [
            (
                "DPIA's uitgevoerd",
                "Gegevensbeschermingseffectbeoordelingen uitgevoerd voor nieuwe zaaksystemen en camerasystemen.",
            ),
            (
                "Verwerkersovereenkomsten",
                "Onderhandelen over verwerkersovereenkomsten met leveranciers van clouddiensten.",
            ),
        ],
    ),
    (
        "energie",
        "Mark Hoekstra",
        "OT-securityspecialist",
        [
            (
                "Beveiliging van SCADA-systemen",
                "Segmentatie en monitoring van de procesautomatisering bij een waterbedrijf.",
            ),
        ],
    ),
]


@pytest.fixture(scope="module")
def real_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once for the module."""
    return SentenceTransformerEmbedder()


@pytest.fixture
async def model_api(
    db_url: str, tmp_path: Path, real_embedder: SentenceTransformerEmbedder
) -> AsyncIterator[Api]:
    settings = Settings(data_dir=tmp_path, embed_in_process=False, cookie_secure=False)
    async with serve_api(db_url, settings, real_embedder) as api:
        yield api


async def test_dutch_challenge_ranks_the_fitting_track_record_first(model_api: Api) -> None:
    api = model_api
    pm = await api.key(Role.programme_manager)
    for i, (sector, name, role, docs) in enumerate(PEOPLE):
        org = await create_organisation(api, pm, f"Organisatie {i}", sector)
        await create_person(
            api,
            pm,
            name,
            organisation_id=org,
            role=role,
            email=f"p{i}@x.example",
            consent=True,
            capacity_hours_per_month=8,
            documents=[{"kind": "project", "title": t, "text": x} for t, x in docs],
        )
    asking = await create_organisation(api, pm, "Gemeente Vraag", province="Friesland")
    member = await api.key(Role.member, asking)
    question = challenge_body(
        title="Hulp bij ons beveiligingsbeleid",
        description="Wij zoeken iemand die ons helpt een informatiebeveiligingsbeleid op te stellen volgens de BIO.",
    )
    challenge = (await api.client.post("/challenges", headers=member, json=question)).json()
    assert challenge["embedding_status"] == "pending"
    assert await api.drain() > 0
    r = await api.client.get(f"/challenges/{challenge['id']}/suggestions", headers=member)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    names = [s["person_name"] for s in body["items"]]
    assert names[0] == "Sanne Bakker", names
    top = body["items"][0]
    assert top["evidence"][0]["title"] == "Informatiebeveiligingsbeleid volgens de BIO"
    assert "Cross-sector" in top["explanation"]
    assert top["score"] > body["items"][1]["score"]
