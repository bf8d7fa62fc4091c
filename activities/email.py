"""E-mail: templates rendered to text and HTML, sent over SMTP through the outbox.

Every message is first written to the `outbox` table under its idempotency key; each try
is counted on its row (committed before the send), then it is sent with a `Message-ID`
derived from that key and marked sent. A retried activity finds the row already sent and
sends nothing; an SMTP outage raises, so Temporal retries with backoff and the message waits
in the outbox, never lost. One window remains: the relay accepted a message and the database
was lost before "sent" was written; the retry sends it again, under the same Message-ID, and
the row's `attempts` shows both tries.
"""

import hashlib
import logging
from email.encoders import encode_base64
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from temporalio import activity

from activities.calendar import PendingAttachments, attachments_for
from activities.errors import classify_errors, data_error, describe
from activities.mailer import Mailer
from activities.store import insert_audits
from activities.task_links import sign_task_link
from models.audit import AuditRecord
from models.email import (
    EmailAttachment,
    SendEmailInput,
    SendEmailResult,
    SendEmailsInput,
    SendEmailsResult,
)
from models.tables import OutboxMessage
from settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates" / "email"
log = logging.getLogger(__name__)


def message_id_for(key: str) -> str:
    """The same key always gives the same Message-ID, so a receiver can spot a resend."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@consortia>"


class Templates:
    """`{kind}.txt` starts with a `Subject:` line; `{kind}.html` is the HTML body."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        loader = FileSystemLoader(folder)
        self._text = Environment(loader=loader, undefined=StrictUndefined, autoescape=False)
        self._html = Environment(loader=loader, autoescape=select_autoescape(["html"]))

    def render(self, kind: str, context: dict) -> tuple[str, str, str]:
        text = self._text.get_template(f"{kind}.txt").render(**context)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise ValueError(f"template {kind}.txt must start with a 'Subject:' line")
        html = self._html.get_template(f"{kind}.html").render(**context)
        return first.removeprefix("Subject:").strip(), body.strip() + "\n", html


@classify_errors
class EmailActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        mailer: Mailer,
        settings: Settings,
        templates: Templates | None = None,
    ) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._settings = settings
        self._templates = templates or Templates()
        self._attachments = PendingAttachments()  # by outbox key, until built

    @activity.defn
    async def send_email(self, input: SendEmailInput) -> SendEmailResult:
        """Send one message at most once per key; safe to retry."""
        refused = await self._enqueue([input])
        if refused:
            raise data_error(f"The letter was not sent: {refused[input.key]}", ["to"])
        sent, refused = await self._deliver([input.key])
        if refused:
            raise data_error(f"The letter was not sent: {refused[input.key]}", ["to"])
        return sent[0]

    @activity.defn
    async def send_emails(self, input: SendEmailsInput) -> SendEmailsResult:
        """Several messages of one mailing, each at most once per key; safe to retry. One
        activity, one insert and one database connection for them all: a group mailing costs
        the Temporal server, the worker and PostgreSQL a fraction of one activity per message.
        Each message is still counted, sent and marked on its own. The first outage (a 4xx
        answer, a lost connection) stops the batch; a retry skips what was sent. A letter
        whose address is refused, here or for good by the relay (a 5xx answer), does not stop
        the others: they are sent, then the refusal is raised as a data error, for the
        coordinator. `audits`, the audit rows of the workflow task that sent the letters, are
        written with the letters."""
        refused = await self._enqueue(input.messages, input.audits)
        keys = [message.key for message in input.messages if message.key not in refused]
        result = SendEmailsResult()
        delivered, refused_now = await self._deliver(keys) if keys else ([], {})
        refused |= refused_now
        for sent in delivered:
            result.already_sent += sent.already_sent
            result.sent += not sent.already_sent
        if refused:
            reasons = "; ".join(f"{key}: {why}" for key, why in refused.items())
            count = f"{len(refused)} of {len(input.messages)}"
            raise data_error(f"{count} letters were not sent: {reasons}", ["to"])
        return result

    async def _deliver(self, keys: list[str]) -> tuple[list[SendEmailResult], dict[str, str]]:
        """Send the outbox rows `keys` that were not sent already, each marked sent as soon
        as the relay takes it. An advisory lock per key, held by this connection while it
        sends, keeps a second, overlapping attempt waiting until this one is done (it then
        finds the rows sent); the database drops the locks if the connection is lost.
        Statements commit one by one (no transaction is held open while the relay answers):
        two short statements a message, where row locks in a transaction took seven."""
        async with self._mailer.sending, self._sessions() as session:
            db = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            await db.execute(LOCK_KEYS, {"keys": keys})
            try:
                found = await db.execute(
                    select(
                        OutboxMessage.key,
                        OutboxMessage.status,
                        OutboxMessage.message_id,
                        OutboxMessage.to_address,
                        OutboxMessage.subject,
                        OutboxMessage.text_body,
                        OutboxMessage.html_body,
                    ).where(OutboxMessage.key.in_(keys))
                )
                rows = {row.key: row for row in found}
                results, refused = [], {}
                for key in keys:
                    try:
                        results.append(await self._send_one(db, rows[key]))
                    except Refused as refusal:  # this letter only: the others still go
                        refused[key] = refusal.reason
                return results, refused
            finally:
                await _unlock(db)

    async def _send_one(self, db: AsyncConnection, row: Any) -> SendEmailResult:
        if row.status == "sent":
            return SendEmailResult(message_id=row.message_id, already_sent=True)
        try:
            # Counted before the send: if the database is lost between the relay's acceptance
            # and "sent", the retry's count shows the message may have gone twice.
            await db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key == row.key)
                .values(attempts=OutboxMessage.attempts + 1, attempted_at=func.now())
            )
            await self._mailer.send(self._build(row))
            await db.execute(
                update(OutboxMessage)
                .where(OutboxMessage.key == row.key)
                .values(status="sent", sent_at=func.now())
            )
        except (aiosmtplib.SMTPException, OSError, SQLAlchemyError) as error:
            # The relay failed, or the database did between the send and "sent".
            await self._record_failure(row.key, error)
            if refused_for_good(error):
                raise Refused(f"the relay refused it for good: {describe(error)[:300]}") from error
            raise
        return SendEmailResult(message_id=row.message_id, already_sent=False)

    async def _enqueue(
        self, inputs: list[SendEmailInput], audits: list[AuditRecord] | None = None
    ) -> dict[str, str]:
        """Write the letters to the outbox, except those whose address the mailer refuses:
        returned, by key, with the reason; and `audits` to the audit log, in one transaction."""
        rows, refused = [], {}
        for input in inputs:
            problem = _address_problem(input.to)
            if problem is not None:
                refused[input.key] = f"the address {input.to!r} in 'to' cannot be used: {problem}"
                continue
            subject, text, html = self._templates.render(input.kind, self._context(input))
            # A prompt with a due date carries its calendar invitation (activities/calendar.py).
            self._attachments.put(
                input.key, input.attachments or attachments_for(input, self._settings)
            )
            rows.append(
                {
                    "key": input.key,
                    "message_id": message_id_for(input.key),
                    "kind": input.kind,
                    "bid_id": input.bid_id,
                    "to_address": input.to,
                    "subject": subject,
                    "text_body": text,
                    "html_body": html,
                }
            )
        if rows or audits:
            async with self._sessions() as session, session.begin():
                await insert_audits(session, audits or [])
                if rows:
                    await session.execute(_INSERT_OUTBOX, rows)
        return refused

    def _context(self, input: SendEmailInput) -> dict:
        """The template context, with the signed task link when the e-mail asks for an answer."""
        if input.task is None:
            return input.context
        token = sign_task_link(input.task, self._settings.secret_key.get_secret_value())
        return {**input.context, "action_url": f"{self._settings.public_url}/task/{token}"}

    def _build(self, row: Any) -> Message:
        """`row`: an outbox row's columns."""
        return build_message(
            self._settings.mail_from,
            row.to_address,
            row.subject,
            row.message_id,
            row.text_body,
            row.html_body,
            self._attachments.take(row.key),
        )

    async def _record_failure(self, key: str, error: Exception) -> None:
        """Kept on the row for the coordinator; the text never holds a secret. Best effort:
        the database may be what failed, and the error raised must stay the original one."""
        try:
            async with self._sessions() as session, session.begin():
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.key == key)
                    .values(last_error=describe(error)[:500])
                )
        except (SQLAlchemyError, OSError) as unrecorded:
            log.warning("could not record the failure of %s: %s", key, describe(unrecorded))


# Advisory locks in a class of their own (the first key), one per outbox key (the second: its
# hash; two keys that share a hash only wait for each other). Taken in one order, so two
# attempts at overlapping batches cannot deadlock.
OUTBOX_LOCKS = 7301
LOCK_KEYS = text(
    "SELECT pg_advisory_lock(:class, h) FROM ("
    " SELECT DISTINCT hashtext(k) AS h FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h"
    ") AS ordered"
).bindparams(**{"class": OUTBOX_LOCKS})


async def _unlock(db: AsyncConnection) -> None:
    """Let the keys go; a connection that cannot is closed, and its locks go with it."""
    try:
        await db.execute(text("SELECT pg_advisory_unlock_all()"))
    except (SQLAlchemyError, OSError):
        await db.invalidate()


def build_message(
    sender: str,
    to: str,
    subject: str,
    message_id: str,
    text: str,
    html: str,
    attachments: list[EmailAttachment],
) -> Message:
    """Text and HTML alternatives, then any attachments, as `EmailMessage` lays them out,
    built with the compat32 classes: five times faster than `EmailMessage`'s header registry,
    which was most of the worker's time in a burst of prompts (bench/RESULTS.md)."""
    body = MIMEMultipart("alternative")
    body.attach(_text(text, "plain"))
    body.attach(_text(html, "html"))
    message = body
    if attachments:
        message = MIMEMultipart("mixed")
        message.attach(body)
        for a in attachments:
            maintype, _, subtype = a.content_type.partition("/")
            part = MIMEBase(maintype, subtype)
            if subtype == "calendar":
                part.set_param("method", "CANCEL" if "METHOD:CANCEL" in a.content else "REQUEST")
            part.set_payload(a.content.encode())
            encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=a.filename)
            message.attach(part)
    name, address = parseaddr(sender)
    message["From"] = formataddr((name, address), charset="utf-8")
    message["To"] = to
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    message["Message-ID"] = message_id
    message["Date"] = formatdate(usegmt=True)
    return message


def _text(content: str, subtype: str) -> MIMEText:
    """ASCII in short lines as it is (7bit); anything else in UTF-8 (base64, in lines of 76),
    since SMTP refuses a line over 998 characters (a list of fifty members' names is one)."""
    plain = content.isascii() and all(len(line) <= 900 for line in content.splitlines())
    return MIMEText(content, subtype, "us-ascii" if plain else "utf-8")


class Refused(Exception):
    """The relay refused one letter for good (a 5xx answer to its recipient or its content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def refused_for_good(error: BaseException) -> bool:
    """A 5xx answer about this letter (its address, its content) is final: trying again sends
    the same letter to the same answer. A refused sender or login is the relay's settings, and
    a 4xx answer passes: those are retried until someone mends them."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in error.recipients)
    if isinstance(error, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return error.code >= 500
    return False


def _address_problem(address: str) -> str | None:
    """Why the mailer would refuse `address` as a `To` header (a line break in it would let
    it add headers, such as a Bcc), or None."""
    try:
        EmailMessage()["To"] = address
    except ValueError as error:
        return str(error)
    return None


# Built once: the letters go as parameters, so one compiled statement serves any number of
# them (letters in the statement's text compiled it anew for each count: py-spy of the mail
# worker in a 300-bid burst, bench/RESULTS.md).
_INSERT_OUTBOX = insert(
    OutboxMessage.metadata.tables[OutboxMessage.__tablename__]
).on_conflict_do_nothing(index_elements=["key"])
