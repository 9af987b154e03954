"""Without MATCHER_SMTP_URL the service runs a loopback SMTP server that keeps .eml files."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from pathlib import Path

import httpx

from embeddings.hashing import HashingEmbedder
from matcher.mailer.loopback import start_loopback_smtp
from matcher.mailer.smtp import OutgoingMail, SmtpMailer
from matcher.records import Role
from matcher.settings import Settings
from matcher.usecases.keys import create_key


async def test_loopback_server_stores_each_message_as_eml(tmp_path: Path) -> None:
    server = await asyncio.to_thread(start_loopback_smtp, tmp_path / "mail")
    try:
        mailer = SmtpMailer.from_url(server.url, sender="bureau@noord.example", sender_name="B")
        await mailer.send(
            OutgoingMail(
                dedupe_key="k1",
                recipient="lid@leden.example",
                language="nl",
                subject="Hallo",
                body_text="Tekst",
                body_html="<p>Tekst</p>",
            )
        )
        await mailer.close()
    finally:
        await asyncio.to_thread(server.stop)
    (eml,) = (tmp_path / "mail").glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "lid@leden.example" and msg["Subject"] == "Hallo"


async def test_service_delivers_an_introduction_through_its_loopback_server(
    db_url: str, tmp_path: Path
) -> None:
    from api.app import create_app

    settings = Settings(data_dir=tmp_path, embed_in_process=True, cookie_secure=False)
    app = create_app(settings, database_url=db_url, embedder=HashingEmbedder(dimension=256))
    async with app.router.lifespan_context(app):
        async with app.state.pool.acquire() as conn:
            pm = await create_key(conn, role=Role.programme_manager, organisation_id=None)
        headers = {"Authorization": f"Bearer {pm}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            orgs = []
            for name, sector in (("Gemeente Hoorn", "overheden"), ("ICT Zuid", "ict")):
                r = await client.post(
                    "/organisations",
                    headers=headers,
                    json={
                        "name": name,
                        "sector": sector,
                        "province": "Drenthe",
                        "contact_email": f"info@{sector}.example",
                    },
                )
                orgs.append(r.json()["id"])
            r = await client.post(
                "/people",
                headers=headers,
                json={
                    "organisation_id": orgs[1],
                    "name": "Iris Jansen",
                    "email": "iris@ict.example",
                    "consent": True,
                    "capacity_hours_per_month": 20,
                    "summary": "Informatiebeveiliging volgens de BIO voor gemeenten.",
                },
            )
            assert r.status_code == 201, r.text
            r = await client.post(
                "/challenges",
                headers=headers,
                json={
                    "organisation_id": orgs[0],
                    "title": "BIO-beleid",
                    "description": "Hulp bij informatiebeveiliging volgens de BIO.",
                    "kind": "knowledge",
                },
            )
            cid = r.json()["id"]
            items: list[dict[str, object]] = []
            for _ in range(100):  # the in-process worker embeds and proposes
                items = (await client.get(f"/challenges/{cid}/matches", headers=headers)).json()[
                    "items"
                ]
                if items:
                    break
                await asyncio.sleep(0.1)
            mid = items[0]["id"]
            assert (
                await client.post(f"/matches/{mid}/approve", headers=headers)
            ).status_code == 200
            r = await client.post(f"/matches/{mid}/introduce", headers=headers)
            assert r.status_code == 200
            app.state.mail.wake()
            files: list[Path] = []
            for _ in range(100):
                files = sorted((tmp_path / "mail").glob("*.eml"))
                if len(files) >= 2:
                    break
                await asyncio.sleep(0.1)
    recipients = sorted(
        str(message_from_bytes(f.read_bytes(), policy=policy.default)["To"]) for f in files
    )
    assert recipients == ["info@overheden.example", "iris@ict.example"]
