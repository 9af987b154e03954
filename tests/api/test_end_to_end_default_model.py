"""End to end with the default backend (multilingual USE), built by the app as in production:
a Dutch challenge finds the English profile that fits it, ahead of English and Dutch ones
that do not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from embeddings.use import USE_MODEL_ID
from matcher.records import Role
from matcher.settings import Settings
from tests.conftest import Api, serve_api
from tests.factories import create_challenge, create_organisation, create_person

pytestmark = pytest.mark.model

# (sector, name, role, track record): the fit is English and shares no word with the Dutch
# challenge; the English distractor shares its surface (information, policy, municipality,
# analysis) but not its subject, and ranks first with the character-hashing test embedder;
# the Dutch ones are about other subjects. Only a model that reads across the languages
# puts the fit first.
PEOPLE = [
    (
        "ict",
        "Hannah Walsh",
        "Information security officer",
        "Wrote the information security policy of a municipality, following the national "
        "government's security standard, with a risk assessment, roles and an annual review.",
    ),
    (
        "zakelijk",
        "Oliver Grant",
        "Library manager",
        "Information desk policy of a municipal library, with opening hours, a staff rota "
        "and an annual visitor analysis for the municipality.",
    ),
    (
        "zorg",
        "Ruben Mulder",
        "Netwerkbeheerder",
        "Vervanging van switches en wifi-accesspoints in drie ziekenhuislocaties.",
    ),
    (
        "onderwijs",
        "Lotte Visser",
        "Docent AI",
        "Lezing over het verantwoord inzetten van taalmodellen in lessen en toetsing.",
    ),
]

CHALLENGE = (
    "Wij zoeken iemand die ons helpt een informatiebeveiligingsbeleid op te stellen volgens "
    "de overheidsnorm voor gemeenten, met een risicoanalyse."
)


@pytest.fixture
async def default_api(db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """The app with no embedder handed in: it builds the configured default itself."""
    settings = Settings(data_dir=tmp_path, embed_in_process=False, cookie_secure=False)
    assert settings.embedding_model in (None, "", "use")
    async with serve_api(db_url, settings, None) as api:
        yield api


async def test_dutch_challenge_finds_the_english_profile_that_fits(default_api: Api) -> None:
    api = default_api
    pm = await api.key(Role.programme_manager)
    ids = {}
    for i, (sector, name, role, text) in enumerate(PEOPLE):
        org = await create_organisation(api, pm, f"Organisatie {i}", sector)
        ids[name] = await create_person(
            api,
            pm,
            name,
            organisation_id=org,
            role=role,
            consent=True,
            capacity_hours_per_month=8,
            documents=[{"kind": "project", "title": role, "text": text}],
        )
    asking = await create_organisation(api, pm, "Gemeente Vraag", "overheden")
    member = await api.key(Role.member, asking)
    challenge = await create_challenge(
        api, member, title="Hulp bij ons beveiligingsbeleid", description=CHALLENGE
    )
    assert await api.drain() > 0
    r = await api.client.get(f"/challenges/{challenge}/suggestions", headers=member)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == USE_MODEL_ID
    ranked = [s["person_id"] for s in body["items"]]
    fit, distractor = ids["Hannah Walsh"], ids["Oliver Grant"]
    assert ranked[0] == fit, [(s["person_name"], s["score"]) for s in body["items"]]
    if distractor in ranked:
        assert body["items"][ranked.index(distractor)]["score"] < body["items"][0]["score"]
