"""An SMTP client that keeps a few connections open, so a burst of e-mails reuses them."""

import asyncio
from email.message import Message

import aiosmtplib

from settings import SettingMissing, Settings

MAX_IDLE_CONNECTIONS = 4
MAX_SENDING = 8  # e-mails between taking their outbox row and the relay's answer, at once


class Mailer:
    """Sends through the relay the settings name; `reuse=False` opens a connection per message."""

    def __init__(self, settings: Settings, reuse: bool = True) -> None:
        self._settings = settings
        self._reuse = reuse
        self._idle: list[aiosmtplib.SMTP] = []
        # Taken before the outbox row's lock: a burst of e-mails waits here, holding no
        # database connection, instead of opening one SMTP connection per e-mail.
        self.sending = asyncio.Semaphore(MAX_SENDING)

    async def send(self, message: Message) -> None:
        pooled = bool(self._idle)
        client = self._idle.pop() if pooled else await self._connect()
        try:
            await client.send_message(message)
        except aiosmtplib.SMTPServerDisconnected:
            client.close()
            if not pooled:
                raise
            # The relay closed an idle connection: one retry on a fresh one.
            client = await self._connect()
            await self._send_or_close(client, message)
        except BaseException:
            client.close()
            raise
        await self._release(client)

    async def _send_or_close(self, client: aiosmtplib.SMTP, message: Message) -> None:
        try:
            await client.send_message(message)
        except BaseException:
            client.close()
            raise

    async def _release(self, client: aiosmtplib.SMTP) -> None:
        if self._reuse and len(self._idle) < MAX_IDLE_CONNECTIONS:
            self._idle.append(client)
        else:
            await client.quit()

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self._settings
        if s.smtp_host is None:
            raise SettingMissing("SMTP_HOST is not set: name the SMTP relay")
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_tls,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout_seconds,
        )
        await client.connect()
        if s.smtp_user and s.smtp_password:
            await client.login(s.smtp_user, s.smtp_password.get_secret_value())
        return client

    async def check(self) -> None:
        """Connect, say NOOP and leave: raises if the relay is unreachable."""
        client = await self._connect()
        try:
            await client.noop()
        finally:
            await client.quit()

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop().quit()
