"""The development mail server: an aiosmtpd server on localhost that keeps every message.

Each message is kept in memory (for tests) and, when given a folder, as an `.eml` file
(browsable at `/dev/mail` in the web app). Never used in production: there, SMTP_HOST names
a real relay. The benchmarks' relay keeps messages unread (`parse=False`): reading each one
cost the benchmark's own process about 1.5 ms of CPU a letter, taken from the system it
measures (bench/RESULTS.md); `to()` still reads those asked for.
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

    def __init__(
        self, folder: Path | None = None, port: int | None = None, parse: bool = True
    ) -> None:
        self.folder = folder
        self.port = port
        self.parse = parse
        self.messages: list[EmailMessage] = []  # when `parse`
        self.unread: list[tuple[tuple[str, ...], bytes]] = []  # else: (recipients, message)
        self.peers: list[tuple[str, int]] = []  # the client's address for each message
        self._lock = threading.Lock()
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        message = _read(raw) if self.parse else None
        with self._lock:
            if message is None:
                self.unread.append((tuple(envelope.rcpt_tos), raw))
            else:
                self.messages.append(message)
            self.peers.append(session.peer)
            if self.folder is not None:
                name = f"{time.time_ns()}-{len(self.peers):06d}.eml"
                (self.folder / name).write_bytes(raw)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            kept = [m for m in self.messages if address in str(m["To"])]
            unread = [raw for to, raw in self.unread if any(address in r for r in to)]
        return kept + [_read(raw) for raw in unread]


def _read(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def start_mailbox(
    port: int, folder: Path | None = None, host: str = "127.0.0.1", parse: bool = True
) -> Controller:
    """Start the server in a thread; `controller.handler` is the Mailbox, `.stop()` ends it."""
    controller = Controller(Mailbox(folder, port, parse), hostname=host, port=port)
    controller.start()
    return controller


def read_folder(folder: Path) -> list[tuple[str, EmailMessage]]:
    """The kept messages, newest first, with their file names."""
    files = sorted(folder.glob("*.eml"), reverse=True)
    return [(f.name, _read(f.read_bytes())) for f in files]
