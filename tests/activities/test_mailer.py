"""The mailer reuses its SMTP connections, and recovers when the relay drops an idle one."""

import uuid
from email.message import EmailMessage

from activities.mailer import Mailer


def message(to: str) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "bids@example.org", to, "Reminder"
    m.set_content("Your section is due on Friday.")
    return m


async def test_a_burst_of_messages_shares_one_connection(settings, mailbox):
    to = f"reuse-{uuid.uuid4()}@example.org"
    mailer = Mailer(settings)
    for _ in range(3):
        await mailer.send(message(to))
    await mailer.close()
    peers = {peer for peer, m in zip(mailbox.peers, mailbox.messages, strict=True) if m["To"] == to}
    assert len(mailbox.to(to)) == 3 and len(peers) == 1


async def test_without_reuse_each_message_opens_its_own_connection(settings, mailbox):
    to = f"noreuse-{uuid.uuid4()}@example.org"
    mailer = Mailer(settings, reuse=False)
    for _ in range(3):
        await mailer.send(message(to))
    peers = {peer for peer, m in zip(mailbox.peers, mailbox.messages, strict=True) if m["To"] == to}
    assert len(peers) == 3


async def test_a_connection_the_relay_dropped_is_replaced(settings, mailbox):
    to = f"dropped-{uuid.uuid4()}@example.org"
    mailer = Mailer(settings)
    await mailer.send(message(to))
    mailer._idle[0].close()  # as when the relay times out an idle connection
    await mailer.send(message(to))
    await mailer.close()
    assert len(mailbox.to(to)) == 2
