"""Sign-in by e-mailed magic link: the link arrives through the outbox, works once, and
opens the lead's console or the coordinator's dashboard. No passwords."""

import re

from sqlalchemy import select

from models.tables import OutboxMessage
from tests.helpers import wait_until
from tests.web.support import CSRF, to_partner_signup

SIGN_IN_URL = re.compile(r"https?://\S+/sign-in/\S+")


async def sign_in_link(mailbox, address: str) -> str:
    def links() -> list[str]:
        found = []
        for message in mailbox.to(address):
            found += SIGN_IN_URL.findall(message.get_body(("plain",)).get_content())
        return found

    await wait_until(links)
    return links()[-1].removeprefix("http://testserver")


async def test_a_lead_signs_in_by_the_emailed_link_once_and_sees_its_bid(web, sessions, mailbox):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=())
    client = web.as_partner()
    address = bid.email("alpha")
    page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address.upper()})
    assert page.status_code == 200 and "a sign-in link is on its way" in page.text

    link = await sign_in_link(mailbox, address)
    response = await client.get(link)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    console = await client.get("/console")
    assert "Alpha Trust" in console.text and bid.handle.id in console.text

    client.cookies.clear()
    again = await client.get(link)
    assert again.status_code == 400 and "used already" in again.text
    async with sessions() as session:
        kept = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address)
        )
        assert [m.status for m in kept if m.kind == "sign_in"] == ["sent"]


async def test_the_coordinator_signs_in_to_the_dashboard(web, mailbox):
    client = web.as_partner()
    address = web.settings.coordinator_email
    await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
    response = await client.get(await sign_in_link(mailbox, address))
    assert response.headers["location"] == "/dashboard"
    assert (await client.get("/dashboard")).status_code == 200


async def test_a_stranger_gets_the_same_answer_and_no_email(web, mailbox):
    client = web.as_partner()
    address = "stranger@example.net"
    page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
    assert page.status_code == 200 and "a sign-in link is on its way" in page.text
    assert mailbox.to(address) == []
    bad = await client.post("/sign-in", data={"csrf_token": CSRF, "email": "not an address"})
    assert bad.status_code == 422
    forged = await client.get("/sign-in/not-a-real-token")
    assert forged.status_code == 400 and "not valid" in forged.text
    assert (await client.post("/sign-in", data={"email": address})).status_code == 403
