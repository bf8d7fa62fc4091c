"""Sessions end when they should: at sign-out (cookie and bearer alike), when the
organisation leaves the consortium, when the coordinator's address changes; and the app will
not run in production with the published development key."""

import uuid

import pytest
from pydantic import SecretStr
from sqlalchemy import update

from models.tables import Organisation
from settings import SettingMissing, Settings
from tests.web.sign_in_support import app_client, own_coordinator, sign_in_link, sign_in_links
from tests.web.support import CSRF
from tests.workflows.bid_support import add_members
from web.app import create_app
from web.auth import SESSION_COOKIE, viewer_for_email


async def signed_in(client, mailbox, address: str) -> str:
    """Sign `client` in by the link e-mailed to `address`; the session cookie's value."""
    count = len(sign_in_links(mailbox, address)) + 1
    page = await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
    assert page.status_code == 200
    response = await client.get(await sign_in_link(mailbox, address, count))
    assert response.status_code == 303
    return response.cookies[SESSION_COOKIE]


async def test_signing_out_ends_the_session_and_its_bearer_for_good(settings, mailbox):
    own = own_coordinator(settings)
    async with app_client(own) as (app, client):
        cookie = await signed_in(client, mailbox, own.coordinator_email)
        mine = await client.get("/api/session")
        assert mine.status_code == 200 and mine.json()["viewer"]["role"] == "coordinator"
        bearer = {"Authorization": f"Bearer {mine.json()['bearer']}"}

        out = await client.post("/sign-out", data={"csrf_token": CSRF})
        assert out.status_code == 303 and out.headers["location"] == "/sign-in"
        client.cookies.set(SESSION_COOKIE, cookie)  # kept, as a thief would keep it
        assert (await client.get("/dashboard")).status_code == 401
        assert (await client.get("/api/session")).status_code == 401
        client.cookies.delete(SESSION_COOKIE)
        assert (await client.get("/api/session", headers=bearer)).status_code == 401

        # signing in again makes a new session, which works
        await signed_in(client, mailbox, own.coordinator_email)
        assert (await client.get("/dashboard")).status_code == 200


async def test_an_organisation_that_has_left_can_no_longer_sign_in_and_its_session_ends(
    settings, sessions, mailbox
):
    tag = uuid.uuid4().hex[:8]
    org = (await add_members(sessions, tag, "young carers", {"leaving": {}}))["leaving"]
    address = f"{org}@example.org"
    async with app_client(settings) as (app, client):
        await signed_in(client, mailbox, address)
        assert (await client.get("/console")).status_code == 200
        await client.post("/sign-in", data={"csrf_token": CSRF, "email": address})
        unused = await sign_in_link(mailbox, address, count=2)

        async with sessions() as session, session.begin():
            await session.execute(
                update(Organisation).where(Organisation.id == org).values(status="left")
            )
        console = await client.get("/console")
        assert console.status_code == 303 and console.headers["location"] == "/sign-in"
        assert (await client.get("/api/session")).status_code == 401
        assert await viewer_for_email(sessions, settings, address) is None
        refused = await client.get(unused)
        assert refused.status_code == 400 and "can no longer sign in" in refused.text


async def test_a_coordinator_session_ends_when_the_coordinator_address_changes(settings, mailbox):
    own = own_coordinator(settings)
    async with app_client(own) as (app, client):
        cookie = await signed_in(client, mailbox, own.coordinator_email)
    async with app_client(own_coordinator(settings)) as (app, client):
        client.cookies.set(SESSION_COOKIE, cookie)
        assert (await client.get("/dashboard")).status_code == 401


@pytest.mark.parametrize("public_url", ["https://bids.example.org", "http://bids.internal:8000"])
def test_the_app_refuses_to_start_with_the_development_key_off_localhost(
    public_url, settings, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    production = Settings(_env_file=None, database_url=settings.database_url, public_url=public_url)
    with pytest.raises(SettingMissing, match="SECRET_KEY is the development default"):
        create_app(production)


@pytest.mark.parametrize("public_url", ["http://localhost:8000", "http://127.0.0.1:8123"])
async def test_the_development_key_is_accepted_on_this_machine_only(
    public_url, settings, monkeypatch
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    local = Settings(_env_file=None, database_url=settings.database_url, public_url=public_url)
    async with app_client(local) as (app, client):
        assert (await client.get("/sign-in")).status_code == 200
    production = local.model_copy(
        update={"public_url": "https://bids.example.org", "secret_key": SecretStr("k" * 40)}
    )
    async with app_client(production) as (app, client):
        assert (await client.get("/sign-in")).status_code == 200
