"""A member's inbox: the matches on its challenges and those of its people, as it may see them."""

from __future__ import annotations

import asyncpg

from matcher.errors import InvalidInput
from matcher.match_lifecycle import parse_state
from matcher.records import Page, Principal
from matcher.storage import inbox as store
from matcher.usecases.match_views import MatchView, match_views

ROLES = ("asker", "helper")


async def list_inbox(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    role: str | None = None,
    state: str | None = None,
    organisation_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[MatchView]:
    """Matches the caller's organisation is part of: asker (its challenges, once approved) or
    helper (its people, once introduced). Staff see every match, or one organisation's."""
    if role is not None and role not in ROLES:
        raise InvalidInput("role must be asker or helper", field="role")
    wanted = parse_state(state, field="state") if state is not None else None
    if principal.is_staff:
        if role is not None and organisation_id is None:
            raise InvalidInput("staff filter by role together with organisation_id", field="role")
        scope = organisation_id
    else:
        if organisation_id is not None and organisation_id != principal.organisation_id:
            raise InvalidInput(
                "a member key sees its own organisation only", field="organisation_id"
            )
        scope = principal.organisation_id
    records, total = await store.inbox_matches(
        conn, organisation_id=scope, role=role, state=wanted, limit=limit, offset=offset
    )
    # Staff looking at one organisation see it as that organisation would, so the rule applies;
    # without a scope they see everything, as on GET /matches/{id}.
    views = await match_views(conn, principal, records)
    return Page(items=views, total=total, limit=limit, offset=offset)
