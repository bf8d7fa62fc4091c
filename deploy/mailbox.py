"""The development mail server: an aiosmtpd server on localhost that keeps every message.

Each message is kept in memory (for tests) and, when given a folder, as an `.eml` file
(browsable at `/dev/mail` in the web app). Never used in production: there, SMTP_HOST names
a real relay.
"""

import email
import email.policy
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class Mailbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self, folder: Path | None = None, port: int | None = None) -> None:
        self.folder = folder
        self.port = port
        self.messages: list[EmailMessage] = []
        self.peers: list[tuple[str, int]] = []  # the client's address for each message
        self._lock = threading.Lock()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.peers.append(session.peer)
            if self.folder is not None:
                name = f"{time.time_ns()}-{len(self.messages):06d}.eml"
                (self.folder / name).write_bytes(raw)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]


def start_mailbox(port: int, folder: Path | None = None, host: str = "127.0.0.1") -> Controller:
    """Start the server in a thread; `controller.handler` is the Mailbox, `.stop()` ends it."""
    controller = Controller(Mailbox(folder, port), hostname=host, port=port)
    controller.start()
    return controller


def read_folder(folder: Path) -> list[tuple[str, EmailMessage]]:
    """The kept messages, newest first, with their file names."""
    files = sorted(folder.glob("*.eml"), reverse=True)
    return [
        (f.name, email.message_from_bytes(f.read_bytes(), policy=email.policy.default))
        for f in files
    ]  # type: ignore[misc]
