"""`matcher mail deliver|retry|list|reminders` and `matcher digest`: the outbox from the shell."""

from __future__ import annotations

import asyncio
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import asyncpg
import typer
from rich.table import Table

import matcher.cli.common as common
from matcher import db
from matcher.cli.common import err, out
from matcher.settings import Settings

mail_app = typer.Typer(help="The mail outbox: deliver, retry, list.", no_args_is_help=True)
T = TypeVar("T")


class DigestKind(StrEnum):
    """Which digest to run."""

    member = "member"
    manager = "manager"
    all = "all"


async def _pool(settings: Settings) -> asyncpg.Pool:
    url = await asyncio.to_thread(db.database_url, settings)
    await common.upgrade(url)
    return await db.create_pool(url, max_size=4)


@mail_app.command("deliver")
def deliver(
    limit: Annotated[int | None, typer.Option(min=1, help="Send at most this many")] = None,
) -> None:
    """Send every due message now (MATCHER_SMTP_URL, or a loopback server storing .eml files)."""
    from matcher.usecases.mail_delivery import DeliveryPolicy, deliver_pending
    from matcher.usecases.mail_runtime import make_mailer, smtp_target

    settings = common.settings()

    async def go() -> str:
        pool = await _pool(settings)
        try:
            async with smtp_target(settings) as url:
                mailer = make_mailer(settings, url)
                try:
                    report = await deliver_pending(
                        pool,
                        mailer,
                        policy=DeliveryPolicy.from_settings(settings),
                        settings=settings,
                        limit=limit,
                    )
                finally:
                    await mailer.close()
        finally:
            await pool.close()
        return (
            f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, "
            f"cancelled (unsubscribed) {report.cancelled}"
        )

    err.print(common.run(go))


@mail_app.command("retry")
def retry(
    message_id: Annotated[
        list[int] | None, typer.Option("--id", help="Only these messages (repeatable)")
    ] = None,
) -> None:
    """Queue failed messages again with fresh attempts (all of them, or --id N ...)."""
    from matcher.usecases.mail_delivery import retry_failed

    settings = common.settings()

    async def go() -> int:
        pool = await _pool(settings)
        try:
            return await retry_failed(pool, message_id or None)
        finally:
            await pool.close()

    err.print(f"queued again: {common.run(go)}")


@mail_app.command("list")
def list_messages(
    state: Annotated[
        str | None, typer.Option(help="queued, sending, sent, failed, cancelled")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The newest messages in the outbox with their state."""
    from matcher.usecases.mail_review import list_outbox

    settings = common.settings()

    async def go() -> Table:
        pool = await _pool(settings)
        try:
            async with pool.acquire() as conn:
                page = await list_outbox(conn, None, state=state, limit=limit)
        finally:
            await pool.close()
        table = Table("id", "state", "kind", "to", "subject", "attempts", "last error")
        for m in page.items:
            table.add_row(
                str(m.id),
                m.state,
                m.kind,
                m.recipient,
                m.subject,
                str(m.attempts),
                m.last_error or "",
            )
        return table

    out.print(common.run(go))


@mail_app.command("reminders")
def reminders(
    today: Annotated[str | None, typer.Option(help="As if it were this day (YYYY-MM-DD)")] = None,
) -> None:
    """Queue one reminder for each introduction unanswered for 5 working days."""
    from matcher.usecases.introduction_mail import send_introduction_reminders

    settings = common.settings()
    day = date.fromisoformat(today) if today else date.today()

    async def go() -> int:
        pool = await _pool(settings)
        try:
            return await send_introduction_reminders(pool, day, settings=settings)
        finally:
            await pool.close()

    err.print(f"reminders queued: {common.run(go)}")


def digest_command(
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W49 (default: this week)")
    ] = None,
    kind: Annotated[DigestKind, typer.Option(help="member, manager or all")] = DigestKind.all,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Render only; queue nothing")] = False,
    to_dir: Annotated[
        Path | None, typer.Option(help="Write each rendered digest here (implies --dry-run)")
    ] = None,
) -> None:
    """Render the weekly digests into the outbox (sent by `mail deliver` or the worker)."""
    from matcher.usecases.digest_common import current_week, parse_week, write_files
    from matcher.usecases.manager_digest import run_manager_digest
    from matcher.usecases.member_digest import run_member_digest

    settings = common.settings()
    render_only = dry_run or to_dir is not None

    async def go() -> list[str]:
        iso = parse_week(week) if week else current_week()
        pool = await _pool(settings)
        lines: list[str] = []
        try:
            runs = []
            if kind in (DigestKind.member, DigestKind.all):
                runs.append(
                    await run_member_digest(pool, iso, settings=settings, dry_run=render_only)
                )
            if kind in (DigestKind.manager, DigestKind.all):
                runs.append(
                    await run_manager_digest(pool, iso, settings=settings, dry_run=render_only)
                )
        finally:
            await pool.close()
        for run in runs:
            if render_only:
                lines.append(
                    f"{run.kind} {run.week}: rendered {len(run.rendered)} (nothing queued)"
                )
                if to_dir is not None:
                    write_files(run.rendered, to_dir)
            else:
                lines.append(
                    f"{run.kind} {run.week}: queued {run.queued}, already queued "
                    f"{run.already_queued}, nothing to say {run.nothing_to_say}, "
                    f"unsubscribed {run.unsubscribed}"
                )
        if to_dir is not None:
            lines.append(f"files in {to_dir}")
        return lines

    for line in common.run(go):
        err.print(line)
