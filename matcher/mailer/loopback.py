"""A local SMTP server for the demo: aiosmtpd on loopback, each message stored as an .eml file."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from matcher.logging import get_logger

log = get_logger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (aiosmtpd cannot bind port 0 itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


class EmlStore:
    """aiosmtpd handler: writes every accepted message to folder/<time>-<n>-<id>.eml."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Store the message, then acknowledge it (the 250 is the hand-over)."""
        data: bytes = envelope.original_content or envelope.content
        msg_id = message_from_bytes(data).get("Message-ID", "")
        digest = hashlib.sha256(str(msg_id).encode()).hexdigest()[:12]
        with self._lock:
            self._count += 1
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{self._count:05d}-{digest}.eml"
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / (name + ".part")
        tmp.write_bytes(data)
        tmp.rename(self.folder / name)
        return "250 Message accepted for delivery"


@dataclass
class LoopbackSmtp:
    """A running loopback server and the URL that reaches it."""

    controller: Controller
    url: str
    folder: Path

    def stop(self) -> None:
        """Stop listening."""
        self.controller.stop()


def start_loopback_smtp(folder: Path, *, host: str = "127.0.0.1") -> LoopbackSmtp:
    """Start the server on a free loopback port; messages land in folder as .eml files."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port(host)
    controller = Controller(EmlStore(folder), hostname=host, port=port)
    controller.start()
    log.info("loopback SMTP server started", port=port, folder=str(folder))
    return LoopbackSmtp(controller=controller, url=f"smtp://{host}:{port}", folder=folder)
