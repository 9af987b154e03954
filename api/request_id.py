"""The request id: which incoming ids are taken as they are, and where a request keeps its own."""

from __future__ import annotations

import re
import uuid

from starlette.types import Scope

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or client may hand us as a request id: short, printable, no spaces or quotes
# (it goes into every log line of the request and back out as a header).
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def choose_request_id(incoming: str | None) -> str:
    """The incoming id when it is sane, else a new random one."""
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id_of(scope: Scope) -> str | None:
    """The id the request-context middleware gave this request (None outside one)."""
    state = scope.get("state")
    value = state.get("request_id") if isinstance(state, dict) else None
    return value if isinstance(value, str) else None
