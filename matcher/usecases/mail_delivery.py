"""Delivery of the outbox: claim due messages, hand them to SMTP, settle each one.

Exactly once per dedupe key, as far as SMTP allows: a message is claimed ('sending', one
attempt counted, a lease) and the claim committed before it is sent; it is marked 'sent'
right after the server's 250. A deliverer that dies before the 250 leaves the claim to
lapse and the message is sent again later; one that dies in the short gap after the 250
and before its commit sends it again too, with the same Message-ID (derived from the
dedupe key), so the copy is recognisable. Nothing is dropped: after max_attempts the
message is 'failed' and listed for the manager until `matcher mail retry`.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Protocol

import asyncpg

from matcher.logging import get_logger
from matcher.mailer.smtp import MailError, OutgoingMail
from matcher.settings import Settings, get_settings
from matcher.storage import outbox as store
from matcher.storage.outbox import DIGEST_KINDS, OutboxMessage
from matcher.usecases.mail_common import MailLinks, mail_links

log = get_logger(__name__)

MAX_RETRY_SECONDS = 6 * 3600.0


class Mailer(Protocol):
    """Something that hands one message to a mail server (SmtpMailer in production)."""

    async def send(self, mail: OutgoingMail) -> None:
        """Return once the server accepted the message; raise MailError otherwise."""

    async def close(self) -> None:
        """Release the connection."""


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Retries and claims: attempts before 'failed', first retry delay, claim lease, batch."""

    max_attempts: int = 8
    retry_seconds: float = 30.0
    lease_seconds: float = 300.0
    batch_size: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        """The policy configured by MATCHER_MAIL_* settings."""
        return cls(
            max_attempts=settings.mail_max_attempts,
            retry_seconds=settings.mail_retry_seconds,
            lease_seconds=settings.mail_lease_seconds,
        )

    def delay(self, attempts: int) -> float:
        """Exponential backoff after `attempts` tries."""
        return float(min(self.retry_seconds * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def touched(self) -> int:
        """Messages settled one way or another."""
        return self.sent + self.retried + self.failed + self.cancelled


async def deliver_pending(
    pool: asyncpg.Pool,
    mailer: Mailer,
    *,
    policy: DeliveryPolicy | None = None,
    settings: Settings | None = None,
    limit: int | None = None,
) -> DeliveryReport:
    """Send every due message (at most `limit`); stops early while the server is unreachable."""
    policy = policy or DeliveryPolicy.from_settings(settings or get_settings())
    report = DeliveryReport()
    async with pool.acquire() as conn:
        links = await mail_links(conn, settings)
    while limit is None or report.touched < limit:
        batch = (
            policy.batch_size if limit is None else min(policy.batch_size, limit - report.touched)
        )
        async with pool.acquire() as conn, conn.transaction():
            claimed = await store.claim_due(conn, limit=batch, lease_seconds=policy.lease_seconds)
        if not claimed:
            break
        if not await _send_batch(pool, mailer, claimed, policy, links, report):
            break
    return report


async def _send_batch(
    pool: asyncpg.Pool,
    mailer: Mailer,
    claimed: list[OutboxMessage],
    policy: DeliveryPolicy,
    links: MailLinks,
    report: DeliveryReport,
) -> bool:
    """Send claimed messages in order; False when the server failed temporarily (stop for now)."""
    for position, message in enumerate(claimed):
        async with pool.acquire() as conn:
            if not await store.renew_claim(
                conn, message.id, attempts=message.attempts, lease_seconds=policy.lease_seconds
            ):
                continue  # our claim lapsed while earlier messages were slow; another has it
            if message.kind in DIGEST_KINDS and await store.is_unsubscribed(
                conn, message.recipient
            ):
                await store.mark_cancelled(conn, message.id, reason="recipient unsubscribed")
                report.cancelled += 1
                continue
        try:
            await mailer.send(_outgoing(message, links))
        except MailError as exc:
            async with pool.acquire() as conn:
                if exc.permanent or message.attempts >= policy.max_attempts:
                    await store.mark_failed(conn, message.id, error=str(exc))
                    report.failed += 1
                    log.warning("mail failed", message_id=message.id, error=str(exc))
                    continue
                delay = policy.delay(message.attempts)
                await store.mark_retry(conn, message.id, error=str(exc), delay_seconds=delay)
                report.retried += 1
                rest = [m.id for m in claimed[position + 1 :]]
                if rest:
                    await store.release_claims(conn, rest, delay_seconds=delay)
            log.info("mail server unavailable; retrying later", error=str(exc), delay=delay)
            return False
        async with pool.acquire() as conn:
            await store.mark_sent(conn, message.id)
        report.sent += 1
    return True


def _outgoing(message: OutboxMessage, links: MailLinks) -> OutgoingMail:
    return OutgoingMail(
        dedupe_key=message.dedupe_key,
        recipient=message.recipient,
        language=message.language,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        unsubscribe_url=links.preferences_url(message.recipient)
        if message.kind in DIGEST_KINDS
        else None,
    )


async def retry_failed(pool: asyncpg.Pool, message_ids: list[int] | None = None) -> int:
    """Queue failed messages (all, or these) again with fresh attempts; returns how many."""
    async with pool.acquire() as conn:
        return await store.requeue_failed(conn, message_ids)


async def run_delivery_loop(
    pool: asyncpg.Pool,
    mailer: Mailer,
    stop: asyncio.Event,
    *,
    wake: asyncio.Event | None = None,
    policy: DeliveryPolicy | None = None,
    settings: Settings | None = None,
    interval: float = 5.0,
) -> None:
    """Deliver until `stop` is set: every `interval` seconds, or at once when `wake` is set."""
    wake = wake or asyncio.Event()
    while not stop.is_set():
        try:
            await deliver_pending(pool, mailer, policy=policy, settings=settings)
        except (OSError, asyncpg.PostgresError) as exc:
            log.error("mail delivery round failed", error=repr(exc))
        wake.clear()
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(waiters, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
        for w in waiters:
            w.cancel()
    await mailer.close()
