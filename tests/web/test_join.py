"""Applying to join on the web, through the app on the real servers: the link e-mailed to
resume an application, a forged or expired link refused in words, answers saved as the
applicant goes, the vocabulary read in any case or as a synonym, and a member's renewal."""

import re
import uuid
from contextlib import suppress
from datetime import timedelta

from sqlalchemy import select
from temporalio.service import RPCError

from models.membership import membership_workflow_id
from models.tables import Application, Organisation
from tests.helpers import wait_until
from tests.web.support import CSRF
from tests.workflows.bid_support import add_members
from web.join_links import sign_join_link
from workflows.membership import MembershipWorkflow

LINK = re.compile(r"https?://[^\s\"'<>]+/join/(?!renew/)([A-Za-z0-9_.\-]+)")  # a resume link


def join_tokens(mailbox, address: str) -> list[str]:
    tokens = []
    for message in mailbox.to(address):
        tokens += LINK.findall(message.get_body(("plain",)).get_content())
    return tokens


async def start(web, mailbox, address: str) -> str:
    """Start an application as a visitor; the token of the link e-mailed to `address`."""
    client = web.as_partner()
    answer = await client.post("/join", data={"email": address, "csrf_token": CSRF})
    assert answer.status_code == 303
    await wait_until(lambda: join_tokens(mailbox, address))
    [token] = join_tokens(mailbox, address)
    assert answer.headers["location"] == f"/join/{token}?started=1"
    return token


def answers(**changes) -> dict:
    """A small charity's answers; tender-ready but for what `changes` leave out."""
    fields = {
        "csrf_token": CSRF,
        "name": "Shotley Bridge Family Support",
        "legal_form": "charity",
        "charity_number": "1188001",
        "locality": "Derwentside",
        "contact_name": "Ann Lee",
        "contact_email": "ann@example.org",
        "themes": ["early help"],
        # Typed, in the applicant's own words: read as the framework's terms.
        "other_themes": "Family Support, youth club",
        "localities_served": ["Derwentside", "Easington"],
        "safeguarding_policy": "yes",
        "safeguarding_review_due": "2099-01-01",
        "dbs_expires": "2099-01-01",
        "insurance_expires": "2099-01-01",
        "accounts_year_end": "",
        "track_funder_1": "",
    }
    return {**fields, **changes}


async def end_membership(web, sessions, token_app_id: str) -> None:
    async with sessions() as session:
        row = await session.get(Application, token_app_id)
    if row is not None and row.organisation_id:
        handle = web.env.client.get_workflow_handle(membership_workflow_id(row.organisation_id))
        with suppress(RPCError):
            await handle.terminate("test over")


async def test_answers_are_saved_as_the_applicant_goes_and_the_criteria_explained(web, mailbox):
    address = f"apply-{uuid.uuid4().hex[:8]}@example.org"
    token = await start(web, mailbox, address)
    client = web.as_partner()

    page = await client.get(f"/join/{token}?started=1")
    assert page.status_code == 200
    assert "We have e-mailed you a link to this form" in page.text
    assert f'value="{address}"' in page.text  # the contact's address, from the start

    saved = await client.post(f"/join/{token}", data=answers(action="save"))
    assert saved.status_code == 303
    page = await client.get(f"/join/{token}?saved=1")
    assert "Your answers are saved." in page.text
    assert 'value="Shotley Bridge Family Support"' in page.text
    # Explained as they answer: met, and not met with who can help.
    assert 'class="met" data-criterion="dbs_checks"' in page.text
    assert 'class="unmet" data-criterion="accounts_recent"' in page.text
    assert "Durham Community Action (the local CVS) can help" in page.text
    assert "join as an <strong>associate member</strong>" in page.text


async def test_a_forged_link_is_refused_and_an_expired_one_offers_a_new_link(web, mailbox):
    address = f"expired-{uuid.uuid4().hex[:8]}@example.org"
    token = await start(web, mailbox, address)
    client = web.as_partner()

    forged = await client.get(f"/join/{token[:-3]}abc")
    assert forged.status_code == 400
    assert "not valid: it may have been changed or cut short" in forged.text
    posted = await client.post(f"/join/{token[:-3]}abc", data=answers(action="save"))
    assert posted.status_code == 400

    async with web.sessions() as session:
        [app_id] = await session.scalars(select(Application.id).where(Application.email == address))
    now = await web.env.get_current_time()
    secret = web.settings.secret_key.get_secret_value()
    old = sign_join_link(app_id, secret, now - timedelta(days=91))
    expired = await client.get(f"/join/{old}")
    assert expired.status_code == 410
    assert "expired on" in expired.text
    assert "E-mail me a new link" in expired.text

    renewed = await client.post(f"/join/{old}/new-link", data={"csrf_token": CSRF})
    assert renewed.status_code == 200
    await wait_until(lambda: len(join_tokens(mailbox, address)) == 2)
    fresh = join_tokens(mailbox, address)[-1]
    assert (await client.get(f"/join/{fresh}")).status_code == 200

    # A forged link cannot ask for one either.
    refused = await client.post(f"/join/{token[:-3]}abc/new-link", data={"csrf_token": CSRF})
    assert refused.status_code == 400


async def test_a_theme_in_its_own_words_and_a_lower_case_locality_are_the_frameworks(
    web, mailbox, sessions
):
    address = f"words-{uuid.uuid4().hex[:8]}@example.org"
    token = await start(web, mailbox, address)
    client = web.as_partner()
    form = answers(action="send", locality="derwentside", contact_email=address)
    form |= {"accounts_year_end": "", "track_funder_1": "Durham County Council"}
    try:
        sent = await client.post(f"/join/{token}", data=form)
        assert sent.status_code == 303, sent.text
        page = await client.get(f"/join/{token}?sent=1")
        assert "You are an associate member" in page.text  # no recent accounts yet

        async with sessions() as session:
            app = (
                await session.scalars(select(Application).where(Application.email == address))
            ).one()
            org = await session.get(Organisation, app.organisation_id)
        assert org.locality == "Derwentside"
        assert sorted(org.themes) == ["early help", "family support", "youth work"]
    finally:
        await end_membership(web, sessions, app.id)


async def test_an_unknown_theme_is_named_and_nothing_is_sent(web, mailbox, sessions):
    token = await start(web, mailbox, f"unknown-{uuid.uuid4().hex[:8]}@example.org")
    client = web.as_partner()

    refused = await client.post(
        f"/join/{token}", data=answers(action="send", other_themes="basket weaving")
    )

    assert refused.status_code == 422
    assert "&#39;basket weaving&#39; is not one of the framework&#39;s themes." in refused.text
    assert "Your answers are saved" in refused.text


async def test_a_members_renewal_link_goes_to_its_main_contact_with_its_answers(
    web, mailbox, sessions
):
    tag = uuid.uuid4().hex[:8]
    [org] = (await add_members(sessions, tag, "family support", {"renewing": {}})).values()
    async with sessions() as session, session.begin():
        row = await session.get(Organisation, org)
        row.proforma = {"name": "Renewing Trust", "themes": ["family support"], "staff": 3}
    client = web.as_partner()

    page = await client.get(f"/join/renew/{org}")
    assert "E-mail me the link" in page.text
    asked = await client.post(f"/join/renew/{org}", data={"csrf_token": CSRF})
    assert asked.status_code == 200
    assert "is on its way to its main contact" in asked.text

    await wait_until(lambda: join_tokens(mailbox, f"{org}@example.org"))
    [token] = join_tokens(mailbox, f"{org}@example.org")
    form = await client.get(f"/join/{token}")
    assert "Renew your membership" in form.text
    assert 'value="Renewing Trust"' in form.text
    assert 'value="family support" checked' in form.text

    # Nobody else's address hears of it: an unknown member gets the same page, no e-mail.
    same = await client.post("/join/renew/no-such-member", data={"csrf_token": CSRF})
    assert "is on its way" in same.text


async def test_a_signposted_applicant_resubmits_from_the_same_link(web, mailbox, sessions):
    address = f"again-{uuid.uuid4().hex[:8]}@example.org"
    token = await start(web, mailbox, address)
    client = web.as_partner()
    first = answers(action="send", contact_email=address, dbs_expires="")
    try:
        assert (await client.post(f"/join/{token}", data=first)).status_code == 303
        page = await client.get(f"/join/{token}?sent=1")
        assert "Not yet: here is what is missing" in page.text

        second = first | {"dbs_expires": "2099-01-01", "accounts_year_end": "2026-03-31"}
        second["track_funder_1"] = "Durham County Council"
        assert (await client.post(f"/join/{token}", data=second)).status_code == 303
        page = await client.get(f"/join/{token}?sent=1")
        assert "You are a full member" in page.text
    finally:
        async with sessions() as session:
            [app_id] = await session.scalars(
                select(Application.id).where(Application.email == address)
            )
        await end_membership(web, sessions, app_id)


async def test_control_characters_and_overlong_answers_are_not_kept(web, mailbox, sessions):
    address = f"hostile-{uuid.uuid4().hex[:8]}@example.org"
    token = await start(web, mailbox, address)
    client = web.as_partner()
    hostile = answers(action="save", name="Bad\x00 Name\x1b", address="x" * 50_000)
    hostile["themes"] = ["play\x00"] * 500

    assert (await client.post(f"/join/{token}", data=hostile)).status_code == 303

    async with sessions() as session:
        [draft] = await session.scalars(
            select(Application.draft).where(Application.email == address)
        )
    assert draft["name"] == "Bad Name"
    assert len(draft["address"]) == 2_000
    assert draft["themes"] == ["play"] * 100
    sent = await client.post(f"/join/{token}", data={**hostile, "action": "send", "staff": "-1"})
    assert sent.status_code == 422
    assert "<li>Paid staff: Input should be greater than or equal to 0</li>" in sent.text


async def test_a_member_renews_from_its_reminder_link_with_its_answers_filled_in(
    web, mailbox, sessions
):
    address = f"renew-{uuid.uuid4().hex[:8]}@example.org"
    token = await start(web, mailbox, address)
    client = web.as_partner()
    ready = answers(action="send", contact_email=address, accounts_year_end="2026-03-31")
    ready["track_funder_1"] = "Durham County Council"
    assert (await client.post(f"/join/{token}", data=ready)).status_code == 303
    async with sessions() as session:
        [joined] = await session.scalars(select(Application).where(Application.email == address))
    org = joined.organisation_id
    try:
        await wait_until(lambda: _status_is(sessions, org, "full"))

        assert (await client.post(f"/join/renew/{org}", data={"csrf_token": CSRF})).status_code
        await wait_until(lambda: len(join_tokens(mailbox, address)) == 2)
        renewal = join_tokens(mailbox, address)[-1]
        form = (await client.get(f"/join/{renewal}")).text
        assert 'value="2099-01-01"' in form and 'value="Durham County Council"' in form

        renewed = {**ready, "dbs_expires": "2099-06-30"}
        assert (await client.post(f"/join/{renewal}", data=renewed)).status_code == 303
        assert "You are a full member" in (await client.get(f"/join/{renewal}?sent=1")).text
        handle = web.env.client.get_workflow_handle(membership_workflow_id(org))
        state = await handle.query(MembershipWorkflow.state)
        assert state.submissions == 2
        assert str(state.proforma.dbs_expires) == "2099-06-30"
    finally:
        await end_membership(web, sessions, joined.id)


async def _status_is(sessions, org: str, status: str) -> bool:
    async with sessions() as session:
        row = await session.get(Organisation, org)
    return row is not None and row.status == status
