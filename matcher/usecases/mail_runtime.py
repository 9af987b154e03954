"""Mail inside a long-running process: the loopback server when no SMTP URL is set, and delivery."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

from matcher.logging import get_logger
from matcher.mailer.loopback import LoopbackSmtp, start_loopback_smtp
from matcher.mailer.smtp import SmtpMailer
from matcher.settings import Settings
from matcher.usecases.mail_delivery import DeliveryPolicy, run_delivery_loop

log = get_logger(__name__)


@dataclass
class MailRuntime:
    """The SMTP target in use, the loopback server behind it (if any), the delivery task."""

    smtp_url: str
    loopback: LoopbackSmtp | None = None
    task: asyncio.Task[None] | None = None
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    wake_event: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        """Deliver now instead of at the next tick (after an introduction, say)."""
        self.wake_event.set()

    async def stop(self) -> None:
        """Stop delivering, then stop the loopback server."""
        self.stop_event.set()
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self.loopback is not None:
            await asyncio.to_thread(self.loopback.stop)


def make_mailer(settings: Settings, smtp_url: str) -> SmtpMailer:
    """An SMTP mailer for this URL with the configured sender."""
    return SmtpMailer.from_url(
        smtp_url, sender=settings.mail_from, sender_name=settings.mail_from_name
    )


async def start_mail(
    pool: asyncpg.Pool, settings: Settings, *, deliver: bool | None = None
) -> MailRuntime:
    """Start the loopback server if MATCHER_SMTP_URL is unset, and delivery if `deliver`.

    `deliver` defaults to settings.embed_in_process: the API process runs background work
    itself unless a separate worker does.
    """
    if not (deliver if deliver is not None else settings.embed_in_process):
        # A separate worker delivers (and starts its own loopback server when it needs one).
        return MailRuntime(smtp_url=_configured(settings))
    loopback: LoopbackSmtp | None = None
    if settings.smtp_url is not None:
        url = settings.smtp_url.get_secret_value()
    else:
        loopback = await asyncio.to_thread(start_loopback_smtp, settings.mail_dir.resolve())
        url = loopback.url
    runtime = MailRuntime(smtp_url=url, loopback=loopback)
    runtime.task = asyncio.create_task(
        run_delivery_loop(
            pool,
            make_mailer(settings, url),
            runtime.stop_event,
            wake=runtime.wake_event,
            policy=DeliveryPolicy.from_settings(settings),
            settings=settings,
        )
    )
    return runtime


def _configured(settings: Settings) -> str:
    return settings.smtp_url.get_secret_value() if settings.smtp_url is not None else ""


@contextlib.asynccontextmanager
async def smtp_target(settings: Settings) -> AsyncIterator[str]:
    """The configured SMTP URL, or a loopback server's for as long as the block runs."""
    if settings.smtp_url is not None:
        yield settings.smtp_url.get_secret_value()
        return
    loopback = await asyncio.to_thread(start_loopback_smtp, settings.mail_dir.resolve())
    try:
        yield loopback.url
    finally:
        await asyncio.to_thread(loopback.stop)
