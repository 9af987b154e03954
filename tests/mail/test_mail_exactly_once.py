"""Exactly once under faults: a deliverer killed with SIGKILL mid-run, a server down then refusing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller

from matcher.mailer.loopback import free_port
from matcher.mailer.smtp import SmtpMailer
from matcher.usecases.digest_common import current_week
from matcher.usecases.mail_delivery import DeliveryPolicy, deliver_pending
from matcher.usecases.member_digest import run_member_digest

ROOT = Path(__file__).resolve().parents[2]
ORGANISATIONS = 14


class KillingRecorder:
    """Counts accepted messages per recipient; on message number `kill_at` it kills the client
    with SIGKILL before acknowledging it (so that message was never handed over)."""

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at = kill_at
        self.pid: int | None = None
        self.seen = 0
        self.accepted: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.seen += 1
            seen = self.seen
        if self.kill_at is not None and seen == self.kill_at:
            for _ in range(200):
                if self.pid is not None:
                    break
                await asyncio.sleep(0.05)
            assert self.pid is not None
            os.kill(self.pid, signal.SIGKILL)
            self.kill_at = None
            return "451 4.3.0 client gone"
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self.lock:
            self.accepted[str(msg["To"])] += 1
            self.message_ids[str(msg["Message-ID"])] += 1
        return "250 OK"


@pytest.fixture
def killing_smtp() -> Iterator[tuple[KillingRecorder, str]]:
    recorder = KillingRecorder(kill_at=4)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, f"smtp://127.0.0.1:{port}"
    controller.stop()


async def _seed_digests(pool: asyncpg.Pool) -> list[str]:
    """ORGANISATIONS members, each with an open challenge: each gets a member digest."""
    async with pool.acquire() as conn:
        for n in range(ORGANISATIONS):
            org = await conn.fetchval(
                "INSERT INTO organisation (name, sector_code, province, contact_email) "
                "VALUES ($1, 'ict', 'Groningen', $2) RETURNING id",
                f"Lid {n}",
                f"contact{n}@leden.example",
            )
            await conn.execute(
                "INSERT INTO challenge (organisation_id, title, description, kind, text_hash) "
                "VALUES ($1, $2, 'Wij zoeken hulp.', 'knowledge', 'h')",
                org,
                f"Vraag {n}",
            )
    run = await run_member_digest(pool, current_week())
    assert run.queued == ORGANISATIONS
    return [f"contact{n}@leden.example" for n in range(ORGANISATIONS)]


def _deliver(db_url: str, smtp_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MATCHER_DATABASE_URL": db_url,
        "MATCHER_SMTP_URL": smtp_url,
        "MATCHER_DATA_DIR": str(data_dir),
        "MATCHER_MAIL_LEASE_SECONDS": "1",
        "MATCHER_MAIL_RETRY_SECONDS": "0.2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "mail", "deliver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def test_killed_deliverer_restarted_sends_every_digest_exactly_once(
    pool: asyncpg.Pool, db_url: str, killing_smtp: tuple[KillingRecorder, str], tmp_path: Path
) -> None:
    recorder, url = killing_smtp
    recipients = await _seed_digests(pool)

    first = _deliver(db_url, url, tmp_path)
    recorder.pid = first.pid
    await asyncio.to_thread(first.wait, 120)
    assert first.returncode == -signal.SIGKILL
    assert sum(recorder.accepted.values()) == 3  # three handed over before the kill
    async with pool.acquire() as conn:
        states = dict(await conn.fetch("SELECT state, count(*) FROM outbox_message GROUP BY state"))
    assert states["sent"] == 3 and states["sending"] >= 1  # claims the dead process held

    await asyncio.sleep(1.5)  # the dead process's claims lapse (lease: 1 s)
    second = _deliver(db_url, url, tmp_path)
    _, stderr = await asyncio.to_thread(second.communicate, None, 120)
    assert second.returncode == 0, stderr.decode()

    assert recorder.accepted == Counter(dict.fromkeys(recipients, 1))
    assert all(n == 1 for n in recorder.message_ids.values())
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox_message WHERE state <> 'sent'") == 0
    # Running it all again (digest and delivery) sends nothing more.
    assert (await run_member_digest(pool, current_week())).queued == 0
    third = _deliver(db_url, url, tmp_path)
    await asyncio.to_thread(third.communicate, None, 120)
    assert sum(recorder.accepted.values()) == ORGANISATIONS


class SwitchableRecorder:
    """Refuses with 451 while `refusing`; records what it accepts."""

    def __init__(self) -> None:
        self.refusing = True
        self.refused = 0
        self.accepted: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Try again later"
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.accepted[str(msg["To"])] += 1
        return "250 OK"


async def test_server_down_then_refusing_then_accepting_delivers_everything_once(
    pool: asyncpg.Pool,
) -> None:
    recipients = await _seed_digests(pool)
    port = free_port()
    mailer = SmtpMailer.from_url(
        f"smtp://127.0.0.1:{port}", sender="bureau@noord.example", sender_name="Bureau"
    )
    rules = DeliveryPolicy(max_attempts=50, retry_seconds=0.05, batch_size=5)

    # Nobody listens: nothing is sent, nothing is lost, the attempt is counted.
    down = await deliver_pending(pool, mailer, policy=rules)
    assert down.sent == 0 and down.retried == 1

    recorder = SwitchableRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for _ in range(3):
            await asyncio.sleep(0.3)
            report = await deliver_pending(pool, mailer, policy=rules)
            assert report.sent == 0
        assert recorder.refused >= 3
        recorder.refusing = False
        deadline = time.monotonic() + 60
        while sum(recorder.accepted.values()) < len(recipients) and time.monotonic() < deadline:
            await asyncio.sleep(0.3)
            await deliver_pending(pool, mailer, policy=rules)
        await mailer.close()
    finally:
        controller.stop()
    assert recorder.accepted == Counter(dict.fromkeys(recipients, 1))
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT state, attempts FROM outbox_message")
    assert {r["state"] for r in rows} == {"sent"}
    assert max(r["attempts"] for r in rows) > 1


async def test_a_lapsed_claim_is_not_sent_by_its_first_claimer(pool: asyncpg.Pool) -> None:
    from matcher.storage import outbox as store

    await _seed_digests(pool)
    async with pool.acquire() as conn:
        slow = await store.claim_due(conn, limit=1, lease_seconds=0.01)
        await asyncio.sleep(0.05)
        taken = await store.claim_due(conn, limit=100, lease_seconds=60)
        fast = [m for m in taken if m.id == slow[0].id]  # the claim lapsed and was taken
        assert len(fast) == 1 and fast[0].attempts == slow[0].attempts + 1
        # The first claimer, back from a slow send of something else, must not send it.
        assert not await store.renew_claim(
            conn, slow[0].id, attempts=slow[0].attempts, lease_seconds=60
        )
        assert await store.renew_claim(
            conn, fast[0].id, attempts=fast[0].attempts, lease_seconds=60
        )
