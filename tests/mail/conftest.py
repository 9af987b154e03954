"""A real SMTP server on a free loopback port that records (or refuses) what it is sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from matcher.mailer.loopback import free_port
from tests.matches.conftest import Net, net  # noqa: F401  (the network fixture, reused)


@dataclass
class Recorder:
    """aiosmtpd handler: keeps accepted messages; answers 451 while `refusing`."""

    messages: list[EmailMessage] = field(default_factory=list)
    refusing: bool = False
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Try again later"
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        assert isinstance(msg, EmailMessage)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to address."""
        return [m for m in self.messages if m["To"] == address]


@dataclass
class SmtpServer:
    """A running recorder and its URL."""

    recorder: Recorder
    url: str


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A recording SMTP server on loopback for this test."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(recorder, f"smtp://127.0.0.1:{port}")
    controller.stop()


def text_of(msg: EmailMessage) -> str:
    """The plain-text part."""
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(msg: EmailMessage) -> str:
    """The HTML part."""
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())
