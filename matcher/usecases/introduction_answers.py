"""Links in mail, without an API key: answer an introduction, set mail preferences, unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from matcher.errors import Conflict, InvalidInput, NotFound
from matcher.mailer import tokens
from matcher.match_lifecycle import TRANSITIONS
from matcher.states import MatchAction, MatchState
from matcher.storage import capacity as capacity_store
from matcher.storage import matches as match_store
from matcher.storage import outbox as outbox_store
from matcher.usecases.introduction_mail import enqueue_answer_mail
from matcher.usecases.mail_common import ANSWER_PURPOSE, LANGUAGES, PREFERENCES_PURPOSE

# Who the history names when the person answered through the link in their mail.
PERSON_ROLE = "person"


@dataclass(frozen=True, slots=True)
class IntroductionToAnswer:
    """What the answer page shows: the introduction and what accepting would reveal."""

    match_id: int
    state: str
    challenge_title: str
    challenge_description: str
    asker_name: str
    person_name: str
    person_email: str
    organisation_name: str
    introduction_text: str


@dataclass(frozen=True, slots=True)
class PreferencesView:
    """An address's mail choices as the preferences page shows them."""

    email: str
    language: str
    digest_opt_in: bool
    unsubscribed: bool


async def _match_id(conn: asyncpg.Connection, token: str, now: datetime | None) -> int:
    secret = await outbox_store.signing_secret(conn)
    try:
        claims = tokens.verify(secret, token, purpose=ANSWER_PURPOSE, now=now or datetime.now(UTC))
    except tokens.BadToken as exc:
        raise NotFound(f"this link is not valid ({exc})", code="bad_link") from exc
    return int(claims.subject)


async def introduction_for_token(
    conn: asyncpg.Connection, token: str, *, now: datetime | None = None
) -> IntroductionToAnswer:
    """The introduction a valid answer link points at; NotFound for a bad or expired link."""
    match = await match_store.get_match(conn, await _match_id(conn, token, now))
    return IntroductionToAnswer(
        match_id=match.id,
        state=match.state,
        challenge_title=match.challenge_title,
        challenge_description=match.challenge_description,
        asker_name=match.challenge_organisation_name,
        person_name=match.person_name,
        person_email=match.email,
        organisation_name=match.organisation_name,
        introduction_text=match.introduction_text or "",
    )


async def answer_introduction(
    conn: asyncpg.Connection,
    token: str,
    action: str,
    *,
    note: str | None = None,
    now: datetime | None = None,
) -> MatchState:
    """Accept or decline through the link (single use: only an open introduction moves)."""
    if action not in (MatchAction.accept, MatchAction.decline):
        raise InvalidInput("action must be accept or decline", field="action")
    match_id = await _match_id(conn, token, now)
    await match_store.lock_match(conn, match_id)
    match = await match_store.get_match(conn, match_id)
    sources, target = TRANSITIONS[MatchAction(action)]
    if match.state not in sources:
        raise Conflict(f"this introduction is already '{match.state}'", code="already_answered")
    if target is MatchState.declined:
        await capacity_store.release_hours(conn, match_id)
    await match_store.set_state(conn, match_id, target)
    await match_store.insert_transition(
        conn,
        match_id,
        from_state=match.state,
        to_state=target,
        actor_key_id=None,
        actor_role=PERSON_ROLE,
        reason_code=None,
        note=(note or "").strip()[:2000] or None,
    )
    await enqueue_answer_mail(conn, match_id, target)
    return target


async def _email(conn: asyncpg.Connection, token: str) -> str:
    secret = await outbox_store.signing_secret(conn)
    try:
        claims = tokens.verify(secret, token, purpose=PREFERENCES_PURPOSE, now=datetime.now(UTC))
    except tokens.BadToken as exc:
        raise NotFound(f"this link is not valid ({exc})", code="bad_link") from exc
    return claims.subject


async def preferences_for_token(conn: asyncpg.Connection, token: str) -> PreferencesView:
    """The choices of the address a preferences link was made for."""
    email = await _email(conn, token)
    pref = (await outbox_store.preferences(conn, [email])).get(email)
    return PreferencesView(
        email=email,
        language=(pref.language if pref and pref.language else "nl"),
        digest_opt_in=bool(pref and pref.digest_opt_in),
        unsubscribed=bool(pref and pref.unsubscribed),
    )


async def save_preferences(
    conn: asyncpg.Connection,
    token: str,
    *,
    language: str,
    digest_opt_in: bool,
    unsubscribed: bool,
) -> PreferencesView:
    """Store the choices; an unsubscribe holds from now on (queued digests are not sent)."""
    if language not in LANGUAGES:
        raise InvalidInput("language must be nl or en", field="language")
    email = await _email(conn, token)
    await outbox_store.set_preference(
        conn, email, language=language, digest_opt_in=digest_opt_in, unsubscribed=unsubscribed
    )
    return await preferences_for_token(conn, token)


async def unsubscribe(conn: asyncpg.Connection, token: str) -> PreferencesView:
    """Stop digests to this address (one click), keeping its other choices."""
    current = await preferences_for_token(conn, token)
    return await save_preferences(
        conn, token, language=current.language, digest_opt_in=False, unsubscribed=True
    )
