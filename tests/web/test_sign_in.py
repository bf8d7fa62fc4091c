"""Sign-in by e-mailed magic link: the link arrives through the outbox, works once, and
opens the lead's console or the coordinator's dashboard. No passwords. The page answers the
same, at once, whoever asks and whatever is down; asking is limited per address and client."""

import asyncio
import time
import uuid
from contextlib import asynccontextmanager

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from models.tables import OutboxMessage, SignInLink
from tests.helpers import free_port
from tests.web.sign_in_support import app_client, own_coordinator, sent, sign_in_link, sign_in_links
from tests.web.support import CSRF, to_partner_signup
from tests.workflows.bid_support import add_members
from web.auth import viewer_for_email
from web.csrf import COOKIE as CSRF_COOKIE


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
    await sent(web.app)
    async with sessions() as session:
        kept = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address)
        )
        assert [m.status for m in kept if m.kind == "sign_in"] == ["sent"]


async def test_the_coordinator_signs_in_to_the_dashboard(web, mailbox):
    client = web.as_partner()
    address = web.settings.coordinator_email
    count = len(sign_in_links(mailbox, address)) + 1  # other tests' links came before
    await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
    response = await client.get(await sign_in_link(mailbox, address, count))
    assert response.headers["location"] == "/dashboard"
    assert (await client.get("/dashboard")).status_code == 200


async def test_a_stranger_gets_the_same_answer_and_no_email(web, mailbox):
    client = web.as_partner()
    address = "stranger@example.net"
    page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
    assert page.status_code == 200 and "a sign-in link is on its way" in page.text
    await sent(web.app)
    assert mailbox.to(address) == []
    bad = await client.post("/sign-in", data={"csrf_token": CSRF, "email": "not an address"})
    assert bad.status_code == 422
    forged = await client.get("/sign-in/not-a-real-token")
    assert forged.status_code == 400 and "not valid" in forged.text
    assert (await client.post("/sign-in", data={"email": address})).status_code == 403


async def test_an_address_with_wildcards_signs_in_no_one(web, sessions, settings):
    tag = uuid.uuid4().hex[:8]
    org = (await add_members(sessions, tag, "young carers", {"durham-cvs": {}}))["durham-cvs"]
    real = f"{org}@example.org"
    assert (await viewer_for_email(sessions, settings, f" {real.upper()} ")).organisation_id == org
    wildcards = {real.replace("-", "_"), "%@%", f"{org[:4]}%@example.org"}
    for typed in wildcards:
        assert await viewer_for_email(sessions, settings, typed) is None, typed
        page = await web.as_partner().post("/sign-in", data={"csrf_token": CSRF, "email": typed})
        assert page.status_code == 200 and "a sign-in link is on its way" in page.text
    await sent(web.app)
    async with sessions() as session:
        made = select(SignInLink.email).where(SignInLink.email.in_(wildcards))
        links = await session.scalars(made)
        assert list(links) == []


@asynccontextmanager
async def silent_smtp_server():
    """A mail server that takes the connection and never answers, as a hung relay does."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()


async def test_sign_in_answers_at_once_and_the_same_when_the_mail_server_hangs(settings):
    """Whether the address is known shows neither in the page nor in the time it takes."""
    async with silent_smtp_server() as port:
        hung = own_coordinator(settings).model_copy(
            update={"smtp_port": port, "smtp_timeout_seconds": 3}
        )
        async with app_client(hung) as (app, client):
            answers = {}
            for address in (hung.coordinator_email, "stranger@example.net"):
                started = time.monotonic()
                page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
                answers[address] = (page.status_code, page.text.replace(address, "ADDRESS"))
                assert time.monotonic() - started < 1.5, address
            assert answers[hung.coordinator_email] == answers["stranger@example.net"]
            assert answers["stranger@example.net"][0] == 200


async def test_sign_in_is_not_a_500_while_the_mail_server_or_the_database_is_down(
    settings, mailbox
):
    own = own_coordinator(settings)
    refused = own.model_copy(update={"smtp_port": free_port()})
    async with app_client(refused) as (app, client):
        page = await client.post(
            "/sign-in", data={"csrf_token": CSRF, "email": own.coordinator_email}
        )
        assert page.status_code == 200 and "a sign-in link is on its way" in page.text

    async with app_client(own) as (app, client):
        await client.post("/sign-in", data={"csrf_token": CSRF, "email": own.coordinator_email})
        link = await sign_in_link(mailbox, own.coordinator_email)
    url = SecretStr(f"postgresql://app:pw@127.0.0.1:{free_port()}/gone")
    async with app_client(own.model_copy(update={"database_url": url})) as (app, client):
        page = await client.post(
            "/sign-in", data={"csrf_token": CSRF, "email": own.coordinator_email}
        )
        assert page.status_code == 200 and "a sign-in link is on its way" in page.text
        opened = await client.get(link)
        assert opened.status_code == 503 and "try again" in opened.text


async def test_links_to_one_address_are_limited_to_five_in_fifteen_minutes(web, sessions, mailbox):
    org = (await add_members(sessions, uuid.uuid4().hex[:8], "young carers", {"busy": {}}))["busy"]
    address = f"{org}@example.org"
    client = web.as_partner()
    for _ in range(5):
        page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
        assert page.status_code == 200
    refused = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address.upper()})
    assert refused.status_code == 429
    assert "Too many sign-in links were asked for" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    other = await client.post("/sign-in", data={"csrf_token": CSRF, "email": "x@example.net"})
    assert other.status_code == 200
    await sent(web.app)
    assert len(mailbox.to(address)) == 5


async def test_one_client_may_ask_for_twenty_links_in_fifteen_minutes(web):
    client = web.as_partner()
    for n in range(20):
        page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": f"s{n}@x.example"})
        assert page.status_code == 200
    refused = await client.post("/sign-in", data={"csrf_token": CSRF, "email": "s20@x.example"})
    assert refused.status_code == 429 and "Too many sign-in links" in refused.text
    elsewhere = httpx.ASGITransport(app=web.app, client=("10.0.0.9", 4000))
    async with httpx.AsyncClient(transport=elsewhere, base_url="http://testserver") as other:
        other.cookies.set(CSRF_COOKIE, CSRF)
        page = await other.post("/sign-in", data={"csrf_token": CSRF, "email": "s20@x.example"})
        assert page.status_code == 200
