"""What every mail use-case shares: signed links, the recipient's language, working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import asyncpg

from matcher.mailer import tokens
from matcher.settings import Settings, get_settings
from matcher.storage import outbox as outbox_store
from matcher.storage.outbox import MailPreference

ANSWER_PURPOSE = "introduction-answer"
PREFERENCES_PURPOSE = "mail-preferences"
ANSWER_VALID_DAYS = 30
LANGUAGES = ("nl", "en")


@dataclass(frozen=True, slots=True)
class MailLinks:
    """Signs the links mail carries (answer an introduction, mail preferences)."""

    secret: bytes
    base_url: str

    def answer_url(self, match_id: int, *, expires_at: datetime) -> str:
        """The accept-or-decline page of one introduction."""
        token = tokens.sign(
            self.secret, purpose=ANSWER_PURPOSE, subject=str(match_id), expires_at=expires_at
        )
        return f"{self.base_url}/introductie/{token}"

    def preferences_url(self, email: str) -> str:
        """The page where an address unsubscribes from digests or picks its language."""
        token = tokens.sign(self.secret, purpose=PREFERENCES_PURPOSE, subject=email.lower())
        return f"{self.base_url}/mail/voorkeuren/{token}"


async def mail_links(conn: asyncpg.Connection, settings: Settings | None = None) -> MailLinks:
    """Links signed with the database's key, pointing at the configured public URL."""
    settings = settings or get_settings()
    secret = await outbox_store.signing_secret(conn)
    return MailLinks(secret=secret, base_url=settings.public_url.rstrip("/"))


def language_for(
    preference: MailPreference | None, spoken: tuple[str, ...] | list[str] = ()
) -> str:
    """Dutch unless the address chose English, or the person speaks English and no Dutch."""
    if preference is not None and preference.language in LANGUAGES:
        return preference.language
    spoken_lower = {s.lower() for s in spoken}
    if spoken_lower and "nl" not in spoken_lower and "en" in spoken_lower:
        return "en"
    return "nl"


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after start."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after start up to and including end (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count
