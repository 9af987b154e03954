"""Introductions reach both sides through a real SMTP server; the person answers by link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from matcher.mailer.smtp import SmtpMailer
from matcher.storage import outbox as outbox_store
from matcher.usecases.digest_common import current_week
from matcher.usecases.mail_delivery import deliver_pending
from matcher.usecases.member_digest import run_member_digest
from tests.mail.conftest import Net, SmtpServer, html_of, text_of


def _mailer(smtp: SmtpServer) -> SmtpMailer:
    return SmtpMailer.from_url(smtp.url, sender="bureau@noord.example", sender_name="Bureau")


async def _introduced(net: Net) -> tuple[int, int]:
    person = await net.person()
    cid = await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, "introduced")
    return mid, person


async def test_introduction_reaches_both_sides_and_the_link_answers_it(
    net: Net, smtp: SmtpServer
) -> None:
    mid, _ = await _introduced(net)
    report = await deliver_pending(net.api.pool, _mailer(smtp))
    assert report.sent == 2

    helper = smtp.recorder.to("anna.de.vries@people.example")
    asker = smtp.recorder.to("info@overheden.example")
    assert len(helper) == 1 and len(asker) == 1
    assert helper[0]["Subject"] == "Introductie: BIO-beleid herzien"
    assert "Anna de Vries" in text_of(asker[0]) and "BIO-beleid herzien" in text_of(asker[0])
    # The asker learns the address only once the person accepts.
    assert "anna.de.vries@people.example" not in text_of(asker[0])
    assert 'style="' in html_of(helper[0])  # styles inlined
    assert "<style" not in html_of(helper[0])

    link = re.search(r"https?://\S+/introductie/\S+", text_of(helper[0]))
    assert link is not None
    path = urlsplit(link.group(0)).path
    page = await net.client.get(path)
    assert page.status_code == 200
    assert "Wat accepteren deelt" in page.text and "anna.de.vries@people.example" in page.text

    tampered = await net.client.get(path[:-3] + "AAA")
    assert tampered.status_code == 404

    r = await net.client.post(path, data={"action": "accept", "note": "Graag!"})
    assert r.status_code == 200, r.text
    match = await net.get(mid)
    assert match["state"] == "accepted"
    assert match["history"][-1]["actor_role"] == "person"

    again = await net.client.post(path, data={"action": "decline"})
    assert again.status_code == 409
    assert (await net.get(mid))["state"] == "accepted"

    report = await deliver_pending(net.api.pool, _mailer(smtp))
    assert report.sent == 1
    accepted = smtp.recorder.to("info@overheden.example")[-1]
    assert "anna.de.vries@people.example" in text_of(accepted)


async def test_declining_by_link_releases_hours_and_tells_the_asker(
    net: Net, smtp: SmtpServer
) -> None:
    mid, person = await _introduced(net)
    await deliver_pending(net.api.pool, _mailer(smtp))
    link = re.search(r"https?://\S+/introductie/\S+", text_of(smtp.recorder.messages[0]))
    assert link is not None
    r = await net.client.post(urlsplit(link.group(0)).path, data={"action": "decline"})
    assert r.status_code == 200
    assert (await net.get(mid))["state"] == "declined"
    assert await net.held_hours(person) == 0
    await deliver_pending(net.api.pool, _mailer(smtp))
    last = smtp.recorder.to("info@overheden.example")[-1]
    assert "afgeslagen" in last["Subject"]
    assert "anna.de.vries@people.example" not in text_of(last)


async def test_api_accept_also_mails_the_asker_and_introduce_twice_mails_once(
    net: Net, smtp: SmtpServer
) -> None:
    mid, _ = await _introduced(net)
    again = await net.act(mid, "introduce")
    assert again.status_code == 409
    r = await net.act(mid, "accept", "person_org")
    assert r.status_code == 200
    await deliver_pending(net.api.pool, _mailer(smtp))
    assert len(smtp.recorder.messages) == 3
    assert await deliver_pending(net.api.pool, _mailer(smtp)) is not None
    assert len(smtp.recorder.messages) == 3


async def test_export_shows_and_erasure_removes_mail_to_and_about_a_person(
    net: Net, smtp: SmtpServer
) -> None:
    _, person = await _introduced(net)
    async with net.api.pool.acquire() as conn:
        await outbox_store.set_preference(
            conn,
            "anna.de.vries@people.example",
            language="en",
            digest_opt_in=True,
            unsubscribed=False,
        )
    # The person's own digest is not about a match: only the address ties it to them.
    assert (await run_member_digest(net.api.pool, current_week())).queued >= 2
    await deliver_pending(net.api.pool, _mailer(smtp))
    async with net.api.pool.acquire() as conn:
        before = await conn.fetchval(
            "SELECT count(*) FROM outbox_message WHERE recipient = 'anna.de.vries@people.example'"
        )
        assert before == 2  # the introduction and the digest
    export = await net.client.get(f"/people/{person}/export", headers=net.pm)
    assert export.status_code == 200
    mail = export.json()["mail"]
    assert {m["kind"] for m in mail} >= {"introduction_helper", "member_digest"}
    # The digest to her organisation names her: listed, but not another address's text.
    others = [m for m in mail if not m["to_this_person"]]
    assert others and all(m["recipient"] is None and m["text"] is None for m in others)
    assert "info@" not in export.text and "voorkeuren" not in str(others)
    r = await net.client.delete(f"/people/{person}", headers=net.pm)
    assert r.status_code == 204
    async with net.api.pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM outbox_message WHERE recipient = 'anna.de.vries@people.example' "
                "OR match_id IS NOT NULL OR body_text LIKE '%Anna de Vries%'"
            )
            == 0
        )
        assert await conn.fetchval("SELECT count(*) FROM mail_preference") == 0
