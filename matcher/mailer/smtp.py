"""SMTP delivery with aiosmtplib: URL parsing, a stable Message-ID, temporary vs. permanent errors."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib


class MailError(Exception):
    """Delivery of one message failed."""

    permanent = False


class TemporaryMailError(MailError):
    """Try again later: the server is down, busy or answered 4xx."""


class PermanentMailError(MailError):
    """Retrying will not help: the server refused the message or recipient with 5xx."""

    permanent = True


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Where and how to deliver: host, port, TLS mode and credentials."""

    hostname: str
    port: int
    use_tls: bool
    start_tls: bool | None
    username: str | None
    password: str | None
    validate_certs: bool = True


def parse_smtp_url(url: str) -> SmtpTarget:
    """smtp://[user:pass@]host[:port][?starttls=true|false][&verify=false] or smtps://...

    smtp:// upgrades with STARTTLS when the server offers it (starttls=true requires it);
    smtps:// speaks TLS from the first byte (port 465 by default).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("MATCHER_SMTP_URL must look like smtp://host:port or smtps://host:port")
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    implicit = parts.scheme == "smtps"
    start_tls: bool | None = None
    if "starttls" in query:
        start_tls = query["starttls"] in ("1", "true", "yes")
    return SmtpTarget(
        hostname=parts.hostname,
        port=parts.port or (465 if implicit else 25),
        use_tls=implicit,
        start_tls=False if implicit else start_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        validate_certs=query.get("verify", "true") not in ("0", "false", "no"),
    )


def message_id(dedupe_key: str, sender: str) -> str:
    """The same Message-ID for every attempt at one outbox message, so copies are recognisable."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "noord-matcher.invalid"
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]}@{domain}>"


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """What the delivery needs of an outbox message."""

    dedupe_key: str
    recipient: str
    language: str
    subject: str
    body_text: str
    body_html: str
    unsubscribe_url: str | None = None


def build_email(mail: OutgoingMail, *, sender: str, sender_name: str) -> EmailMessage:
    """A multipart/alternative message (text first, HTML second) with a stable Message-ID."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, sender))
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id(mail.dedupe_key, sender)
    msg["Content-Language"] = mail.language
    msg["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    msg.set_content(mail.body_text)
    msg.add_alternative(mail.body_html, subtype="html")
    return msg


class SmtpMailer:
    """One SMTP connection, opened on first use and reopened after a failure."""

    def __init__(
        self, target: SmtpTarget, *, sender: str, sender_name: str, timeout: float = 30
    ) -> None:
        self.target = target
        self.sender = sender
        self.sender_name = sender_name
        self.timeout = timeout
        self._client: aiosmtplib.SMTP | None = None

    @classmethod
    def from_url(cls, url: str, *, sender: str, sender_name: str) -> SmtpMailer:
        """A mailer for MATCHER_SMTP_URL."""
        return cls(parse_smtp_url(url), sender=sender, sender_name=sender_name)

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        t = self.target
        client = aiosmtplib.SMTP(
            hostname=t.hostname,
            port=t.port,
            username=t.username,
            password=t.password,
            use_tls=t.use_tls,
            start_tls=t.start_tls,
            validate_certs=t.validate_certs,
            timeout=self.timeout,
        )
        await client.connect()
        self._client = client
        return client

    async def send(self, mail: OutgoingMail) -> None:
        """Hand one message to the server; returns once it answered 250, else raises MailError."""
        email = build_email(mail, sender=self.sender, sender_name=self.sender_name)
        try:
            client = await self._connected()
            await client.send_message(email, sender=self.sender, recipients=[mail.recipient])
        except aiosmtplib.SMTPRecipientsRefused as exc:
            await self.close()
            codes = [e.code for e in exc.recipients]
            error = "; ".join(f"{e.code} {e.message}" for e in exc.recipients)
            if all(500 <= c < 600 for c in codes):
                raise PermanentMailError(error) from exc
            raise TemporaryMailError(error) from exc
        except aiosmtplib.SMTPResponseException as exc:
            await self.close()
            error = f"{exc.code} {exc.message}"
            if 500 <= exc.code < 600 and exc.code != 530:
                raise PermanentMailError(error) from exc
            raise TemporaryMailError(error) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self.close()
            raise TemporaryMailError(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        """Say QUIT (or just drop the connection when that fails)."""
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()

    async def __aenter__(self) -> SmtpMailer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
