"""Reminders after 5 working days, the manager's list after 10; tokens; the mail and digest CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from matcher.mailer import tokens
from matcher.usecases.digest_common import current_week
from matcher.usecases.introduction_mail import send_introduction_reminders
from matcher.usecases.mail_common import add_working_days, working_days_between
from matcher.usecases.mail_review import overdue_answers
from tests.mail.conftest import Net

ROOT = Path(__file__).resolve().parents[2]


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 12, 4)
    assert add_working_days(friday, 1) == date(2026, 12, 7)
    assert add_working_days(friday, 5) == date(2026, 12, 11)
    assert working_days_between(friday, date(2026, 12, 11)) == 5
    assert working_days_between(friday, friday) == 0


def test_tokens_refuse_forgery_other_purpose_and_expiry() -> None:
    secret = b"s" * 32
    now = datetime(2026, 12, 1, tzinfo=UTC)
    token = tokens.sign(secret, purpose="a", subject="7", expires_at=now + timedelta(days=1))
    assert tokens.verify(secret, token, purpose="a", now=now).subject == "7"
    with pytest.raises(tokens.BadToken):
        tokens.verify(secret, token, purpose="b", now=now)
    with pytest.raises(tokens.BadToken):
        tokens.verify(b"t" * 32, token, purpose="a", now=now)
    with pytest.raises(tokens.BadToken):
        tokens.verify(secret, token, purpose="a", now=now + timedelta(days=2))
    with pytest.raises(tokens.BadToken):
        tokens.verify(secret, "garbage", purpose="a", now=now)


async def test_one_reminder_after_five_working_days_and_listed_after_ten(net: Net) -> None:
    person = await net.person()
    cid = await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    mid = await net.match_id(cid, person)
    await net.drive(mid, "introduced")
    pool = net.api.pool
    async with pool.acquire() as conn:
        introduced = await conn.fetchval(
            "SELECT created_at FROM match_transition WHERE match_id = $1 AND to_state = 'introduced'",
            mid,
        )
    day0 = introduced.date()
    assert await send_introduction_reminders(pool, add_working_days(day0, 4)) == 0
    assert await send_introduction_reminders(pool, add_working_days(day0, 5)) == 1
    assert await send_introduction_reminders(pool, add_working_days(day0, 6)) == 0  # once
    async with pool.acquire() as conn:
        reminder = await conn.fetchrow(
            "SELECT recipient, subject FROM outbox_message WHERE kind = 'introduction_reminder'"
        )
        assert reminder["recipient"] == "anna.de.vries@people.example"
        assert await overdue_answers(conn, None, add_working_days(day0, 10)) == []
        late = await overdue_answers(conn, None, add_working_days(day0, 11))
    assert late == [("Anna de Vries", "BIO-beleid herzien", "Gemeente Leeuwarden", 11)]

    # An answered introduction gets no reminder.
    assert (await net.act(mid, "accept", "person_org")).status_code == 200
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM outbox_message WHERE kind = 'introduction_reminder'")
    assert await send_introduction_reminders(pool, add_working_days(day0, 5)) == 0


def _cli(db_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MATCHER_DATABASE_URL": db_url,
        "MATCHER_DATA_DIR": str(tmp_path),
        "COLUMNS": "250",
    }
    env.pop("MATCHER_SMTP_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "matcher.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_digest_and_mail_commands(net: Net, db_url: str, tmp_path: Path) -> None:
    await net.person()
    await net.challenge(title="BIO-beleid herzien")
    await net.drain()
    label = current_week().label

    bad = _cli(db_url, tmp_path, "digest", "--week", "2026-W99")
    assert bad.returncode == 2 and "2026-W49" in bad.stderr

    preview = tmp_path / "preview"
    r = _cli(
        db_url, tmp_path, "digest", "--week", label, "--kind", "member", "--to-dir", str(preview)
    )
    assert r.returncode == 0, r.stderr
    assert "rendered 2" in r.stderr
    assert len(list(preview.glob("*.html"))) == 2 and len(list(preview.glob("*.txt"))) == 2
    async with net.api.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox_message") == 0

    r = _cli(db_url, tmp_path, "digest", "--week", label)
    assert r.returncode == 0, r.stderr
    assert f"member_digest {label}: queued 2" in r.stderr
    assert f"manager_digest {label}: queued 1" in r.stderr
    r = _cli(db_url, tmp_path, "digest", "--week", label)
    assert "queued 0, already queued 2" in r.stderr

    # No MATCHER_SMTP_URL: delivery goes through a loopback server into .eml files.
    r = _cli(db_url, tmp_path, "mail", "deliver")
    assert r.returncode == 0, r.stderr
    assert "sent 3" in r.stderr
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 3

    async with net.api.pool.acquire() as conn:
        await conn.execute(
            "UPDATE outbox_message SET state = 'failed' WHERE kind = 'manager_digest'"
        )
    r = _cli(db_url, tmp_path, "mail", "list", "--state", "failed")
    assert r.returncode == 0 and "Netwerkoverzicht" in r.stdout
    r = _cli(db_url, tmp_path, "mail", "retry")
    assert "queued again: 1" in r.stderr
    r = _cli(db_url, tmp_path, "mail", "deliver")
    assert "sent 1" in r.stderr
