"""The programme manager's review pages: sign-in, queue, decisions, introductions, network.

Server-rendered HTML that works without JavaScript. A session cookie (its token stored
hashed) replaces the API key after sign-in; every POST passes one CSRF check
(common.checked_form) before anything happens.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from api.routers.review import actions, match_page, network, people_import, queue, session
from api.routers.review.common import (
    MaybeSession,
    PageExit,
    guarded_form,
    page_exit_handler,
    redirect,
    render,
    to_login,
)

# The names the other page modules (mail, programme, themes) use from here.
__all__ = ["MaybeSession", "install", "router"]
_guarded_form = guarded_form
_redirect = redirect
_render = render
_to_login = to_login

router = APIRouter(include_in_schema=False)
for _part in (session, queue, actions, match_page, network, people_import):
    router.include_router(_part.router, prefix="/review")


def install(app: FastAPI) -> None:
    """What the pages need from the app besides their routes: early exits become responses."""
    app.add_exception_handler(PageExit, page_exit_handler)
