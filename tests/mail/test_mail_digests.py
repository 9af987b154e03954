"""Weekly digests for a seeded week: contents, once per week and recipient, unsubscribe."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from matcher.mailer.smtp import SmtpMailer
from matcher.settings import Settings
from matcher.storage import outbox as outbox_store
from matcher.usecases.digest_common import current_week
from matcher.usecases.mail_delivery import deliver_pending
from matcher.usecases.manager_digest import run_manager_digest
from matcher.usecases.member_digest import run_member_digest
from tests.mail.conftest import Net, SmtpServer, html_of, text_of


def _mailer(smtp: SmtpServer) -> SmtpMailer:
    return SmtpMailer.from_url(smtp.url, sender="bureau@noord.example", sender_name="Bureau")


async def _seed(net: Net) -> dict[str, int]:
    anna = await net.person(name="Anna de Vries")
    bram = await net.person(net.org_c, name="Bram Bakker")
    cid = await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    return {"anna": anna, "bram": bram, "challenge": cid}


async def test_member_digest_contents_for_a_seeded_week(net: Net, smtp: SmtpServer) -> None:
    await _seed(net)
    async with net.api.pool.acquire() as conn:
        await outbox_store.set_preference(
            conn, "info@zorg.example", language="en", digest_opt_in=False, unsubscribed=False
        )
    week = current_week()
    run = await run_member_digest(net.api.pool, week)
    # A (own open challenge), B and C (their people fit it); nobody else has news.
    assert run.queued == 3 and run.already_queued == 0
    again = await run_member_digest(net.api.pool, week)
    assert again.queued == 0 and again.already_queued == 3

    await deliver_pending(net.api.pool, _mailer(smtp))
    ict = smtp.recorder.to("info@ict.example")
    assert len(ict) == 1
    body = text_of(ict[0])
    assert ict[0]["Subject"] == f"Weekoverzicht ledennetwerk {week.label}"
    assert "- BIO-beleid herzien · Gemeente Leeuwarden (" in body
    assert re.search(r"\* Anna de Vries: \S", body), body
    # Another member's people never appear in this organisation's digest.
    assert "Bram Bakker" not in body and "Bram Bakker" not in html_of(ict[0])
    assert "List-Unsubscribe" in ict[0]

    zorg = smtp.recorder.to("info@zorg.example")
    assert len(zorg) == 1 and zorg[0]["Subject"] == f"Member network digest {week.label}"
    assert "Bram Bakker" in text_of(zorg[0]) and "Anna de Vries" not in text_of(zorg[0])

    asker = smtp.recorder.to("info@overheden.example")
    assert len(asker) == 1
    assert "Jullie open vragen" in text_of(asker[0]) and "we zoeken nog" in text_of(asker[0])
    # Proposals are not the asker's to see before approval: no names of suggested people.
    assert "Anna de Vries" not in text_of(asker[0])

    # Running the week again after delivery sends nothing more.
    await run_member_digest(net.api.pool, week)
    await deliver_pending(net.api.pool, _mailer(smtp))
    assert len(smtp.recorder.messages) == 3


async def test_unsubscribe_link_is_honoured_at_once(net: Net, smtp: SmtpServer) -> None:
    await _seed(net)
    week = current_week()
    await run_member_digest(net.api.pool, week)
    await deliver_pending(net.api.pool, _mailer(smtp))
    ict = smtp.recorder.to("info@ict.example")[0]
    link = re.search(r"https?://\S+/mail/voorkeuren/\S+", text_of(ict))
    assert link is not None
    path = urlsplit(link.group(0)).path
    page = await net.client.get(path)
    assert page.status_code == 200 and "info@ict.example" in page.text
    r = await net.client.post(path, data={"form": "unsubscribe"})
    assert r.status_code == 200 and "afgemeld" in r.text

    # A digest queued before the unsubscribe reached the server is not sent ...
    async with net.api.pool.acquire() as conn:
        await conn.execute("DELETE FROM outbox_message WHERE recipient = 'info@ict.example'")
        await conn.execute("DELETE FROM mail_preference")
    await run_member_digest(net.api.pool, week)
    assert (await net.client.post(path, data={"form": "unsubscribe"})).status_code == 200
    before = len(smtp.recorder.messages)
    report = await deliver_pending(net.api.pool, _mailer(smtp))
    assert report.cancelled == 1 and len(smtp.recorder.messages) == before
    # ... and the next run writes none for that address, while others still get theirs.
    async with net.api.pool.acquire() as conn:
        await conn.execute("DELETE FROM outbox_message")
    run = await run_member_digest(net.api.pool, week)
    assert run.unsubscribed == 1 and run.queued == 2

    # A forged link changes nothing.
    forged = await net.client.post(path[:-4] + "AAAA", data={"form": "unsubscribe"})
    assert forged.status_code == 404


async def test_opted_in_person_gets_their_own_digest(net: Net, smtp: SmtpServer) -> None:
    await _seed(net)
    async with net.api.pool.acquire() as conn:
        await outbox_store.set_preference(
            conn,
            "anna.de.vries@people.example",
            language=None,
            digest_opt_in=True,
            unsubscribed=False,
        )
    run = await run_member_digest(net.api.pool, current_week())
    assert run.queued == 4
    await deliver_pending(net.api.pool, _mailer(smtp))
    mine = smtp.recorder.to("anna.de.vries@people.example")
    assert len(mine) == 1 and "passen bij jou" in text_of(mine[0])


async def test_manager_digest_once_per_week(net: Net, smtp: SmtpServer, settings: Settings) -> None:
    ids = await _seed(net)
    mid = await net.match_id(ids["challenge"], ids["anna"])
    await net.drive(mid, "approved")
    bram = await net.match_id(ids["challenge"], ids["bram"])
    assert (await net.act(bram, "reject")).status_code == 200
    week = current_week()
    run = await run_manager_digest(net.api.pool, week, settings=settings)
    assert run.queued == 1
    assert (await run_manager_digest(net.api.pool, week, settings=settings)).queued == 0
    await deliver_pending(net.api.pool, _mailer(smtp))
    (msg,) = smtp.recorder.to(settings.manager_email)
    body = text_of(msg)
    assert (
        "Gemeente Leeuwarden (Overheden) <-> Anna de Vries, ICT Noord (ICT-dienstverlening)" in body
    )
    assert "verkeerde expertise: 1" in body
    assert "ICT-dienstverlening: 40 / 10 / 0" in body
