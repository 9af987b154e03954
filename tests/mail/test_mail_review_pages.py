"""The manager's mail pages: the outbox list, one message, retrying a failed one, the preview."""

from __future__ import annotations

from matcher.mailer.smtp import SmtpMailer
from matcher.usecases.mail_delivery import DeliveryPolicy, deliver_pending
from tests.mail.conftest import Net, SmtpServer
from tests.web.test_web_review import csrf_of, sign_in


async def test_mail_pages_list_show_and_retry(net: Net, smtp: SmtpServer) -> None:
    person = await net.person()
    cid = await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    await net.drive(await net.match_id(cid, person), "introduced")

    client = net.client
    assert (await client.get("/review/mail")).status_code == 303  # signed out
    assert (await sign_in(client, net.pm)).status_code == 303

    # The server refuses for good: after max attempts the message is failed and listed.
    smtp.recorder.refusing = True
    mailer = SmtpMailer.from_url(smtp.url, sender="bureau@noord.example", sender_name="Bureau")
    policy = DeliveryPolicy(max_attempts=1, retry_seconds=0.01)
    await deliver_pending(net.api.pool, mailer, policy=policy)
    await deliver_pending(net.api.pool, mailer, policy=policy)

    page = await client.get("/review/mail?state=failed")
    assert page.status_code == 200
    assert "Introductie: BIO-beleid herzien" in page.text and "451" in page.text
    assert "Content-Security-Policy" in page.headers
    async with net.api.pool.acquire() as conn:
        failed = await conn.fetch("SELECT id FROM outbox_message WHERE state = 'failed'")
    assert len(failed) == 2
    mid = failed[0]["id"]

    detail = await client.get(f"/review/mail/{mid}")
    assert detail.status_code == 200 and "Tekstversie" in detail.text
    raw = await client.get(f"/review/mail/{mid}/html")
    assert raw.status_code == 200 and "sandbox" in raw.headers["content-security-policy"]
    assert "<html" in raw.text

    # Retrying needs the session's CSRF token.
    refused = await client.post(f"/review/mail/{mid}/retry", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    r = await client.post(f"/review/mail/{mid}/retry", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and "opnieuw" in r.headers["location"]
    smtp.recorder.refusing = False
    report = await deliver_pending(net.api.pool, mailer, policy=policy)
    assert report.sent == 1 and len(smtp.recorder.messages) == 1

    preview = await client.get("/review/mail/preview")
    assert preview.status_code == 200
    assert "info@ict.example" in preview.text and "BIO-beleid herzien" in preview.text
    async with net.api.pool.acquire() as conn:
        digests = await conn.fetchval(
            "SELECT count(*) FROM outbox_message WHERE kind = 'member_digest'"
        )
    assert digests == 0  # a preview queues nothing


async def test_member_keys_cannot_sign_in_to_mail_pages(net: Net) -> None:
    r = await sign_in(net.client, net.keys["person_org"])
    assert r.status_code == 403
    assert (await net.client.get("/review/mail/1")).status_code == 303
