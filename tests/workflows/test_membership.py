"""Joining the framework: admission, associate membership, signposting and resubmission,
and answers refused with nothing recorded. Real Temporal (time-skipping), PostgreSQL, SMTP."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.worker import Worker

from members import MemberClient, refusal
from models.framework import EntryCriterion, Framework
from models.membership import ContactPerson, PastWork, Proforma
from models.tables import AuditEntry, Organisation
from tests.helpers import wait_until
from worker import WORKFLOWS, activities_for
from workflows.search_attributes import MEMBER_STATUS


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


def ready_proforma(org_id: str, today: date, **changes) -> Proforma:
    """A tender-ready charity's proforma: meets every default entry criterion on `today`."""
    fields = {
        "name": f"Stanley Youth Project {org_id}",
        "legal_form": "charity",
        "charity_number": "1100001",
        "address": "Front Street, Stanley",
        "locality": "Derwentside",
        "localities_served": ["Derwentside"],
        "contacts": [ContactPerson(name="Ann Lee", email=f"ann@{org_id}.example.org")],
        "annual_turnover": 95_000,
        "staff": 4,
        "volunteers": 18,
        "themes": ["young people", "mental health"],
        "safeguarding_policy": True,
        "safeguarding_review_due": today + timedelta(days=300),
        "dbs_checks": True,
        "insurance_expires": today + timedelta(days=200),
        "accounts_year_end": today - timedelta(days=120),
        "track_record": [PastWork(funder="Durham County Council", title="Youth club", year=2025)],
        "willing_to_lead": True,
    }
    return Proforma(**{**fields, **changes})


FRAMEWORK = "County Durham consortia framework"


def new_org() -> str:
    return f"org-{uuid.uuid4().hex[:10]}"


class TrackedMemberClient(MemberClient):
    """Remembers the memberships it starts, so the test can end them."""

    started: set[str]

    async def start(self, organisation_id: str):
        self.started.add(organisation_id)
        return await super().start(organisation_id)


@asynccontextmanager
async def membership_worker(
    env, settings, sessions, task_queue, framework=None
) -> AsyncIterator[TrackedMemberClient]:
    client = TrackedMemberClient(env.client, settings, task_queue, framework=framework)
    client.started = set()
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessions),
    ):
        try:
            yield client
        finally:
            # A membership left running with no worker would hold up the time-skipping
            # server's next skip (its timers fire into a queue nobody polls).
            for org in client.started:
                with suppress(RPCError):
                    await client.handle(org).terminate("test over")


@pytest.fixture
async def members(env, settings, sessions, task_queue):
    async with membership_worker(env, settings, sessions, task_queue) as client:
        yield client


async def today(env) -> date:
    """The test server's date: skipped time moves it ahead of the real one."""
    return (await env.get_current_time()).date()


async def organisation(sessions, org_id: str) -> Organisation | None:
    async with sessions() as session:
        return await session.get(Organisation, org_id)


async def audit(sessions, org_id: str) -> list[AuditEntry]:
    async with sessions() as session:
        query = select(AuditEntry).where(AuditEntry.organisation_id == org_id)
        return list(await session.scalars(query.order_by(AuditEntry.id)))


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


async def test_a_tender_ready_organisation_is_admitted_welcomed_and_listed(
    members, env, sessions, mailbox
):
    org = new_org()
    proforma = ready_proforma(org, await today(env))

    assessment = await members.submit(org, proforma)

    assert assessment.outcome == "full"
    [welcome] = mailbox.to(f"ann@{org}.example.org")
    assert (
        welcome["Subject"] == f"Welcome to the County Durham consortia framework, {proforma.name}"
    )
    assert "you may lead a consortium bid" in text_of(welcome)
    row = await organisation(sessions, org)
    assert (row.status, row.name, row.locality, row.willing_to_lead) == (
        "full",
        proforma.name,
        "Derwentside",
        True,
    )
    [entry] = await audit(sessions, org)
    assert (entry.action, entry.detail["outcome"], entry.actor) == (
        "proforma_submitted",
        "full",
        f"ann@{org}.example.org",
    )
    state = await members.state(org)
    assert (state.status, state.submissions) == ("full", 1)
    described = await members.handle(org).describe()
    assert described.typed_search_attributes.get(MEMBER_STATUS) == "full"


async def test_safeguarded_but_not_tender_ready_is_an_associate_with_a_plan(
    members, env, sessions, mailbox
):
    org = new_org()
    proforma = ready_proforma(org, await today(env), track_record=[])

    assessment = await members.submit(org, proforma)

    assert assessment.outcome == "associate"
    assert [m.key for m in assessment.missing] == ["track_record"]
    [message] = mailbox.to(f"ann@{org}.example.org")
    assert message["Subject"].endswith(
        "is an associate member of the County Durham consortia framework"
    )
    assert "at least one past contract or grant delivered (help: One Voice Network" in text_of(
        message
    )
    assert (await organisation(sessions, org)).status == "associate"


async def test_an_organisation_short_of_the_criteria_is_signposted_then_admitted_on_resubmission(
    members, env, sessions, mailbox
):
    org = new_org()
    day = await today(env)
    short = ready_proforma(
        org, day, safeguarding_policy=False, safeguarding_review_due=None, dbs_checks=False
    )

    first = await members.submit(org, short)

    assert first.outcome == "signposted"
    [signposted] = mailbox.to(f"ann@{org}.example.org")
    body = text_of(signposted)
    assert "does not yet meet the entry criteria" in body
    assert "- a safeguarding policy, reviewed and not yet due for review: One Voice Network" in body
    assert "- DBS checks for staff and volunteers who work with children: One Voice Network" in body
    assert "tender" not in signposted["Subject"].lower()  # never a bare rejection
    assert (await organisation(sessions, org)).status == "signposted"

    second = await members.submit(org, ready_proforma(org, day))

    assert second.outcome == "full"
    messages = mailbox.to(f"ann@{org}.example.org")
    assert messages[-1]["Subject"].startswith("Welcome to the County Durham consortia framework")
    assert (await organisation(sessions, org)).status == "full"
    actions = [(e.action, e.detail["outcome"]) for e in await audit(sessions, org)]
    assert actions == [("proforma_submitted", "signposted"), ("proforma_submitted", "full")]


async def test_a_signposted_organisation_that_does_not_resubmit_is_reminded_once(
    members, env, sessions, mailbox
):
    org = new_org()
    day = await today(env)
    await members.submit(org, ready_proforma(org, day, dbs_checks=False))
    address = f"ann@{org}.example.org"

    await env.sleep(timedelta(days=27))
    assert len(mailbox.to(address)) == 1  # not yet: the reminder waits 28 days
    await env.sleep(timedelta(days=2))
    await wait_until(lambda: len(mailbox.to(address)) == 2)
    reminder = mailbox.to(address)[-1]
    assert reminder["Subject"].startswith("Reminder:")
    assert "DBS checks for staff and volunteers" in text_of(reminder)
    await env.sleep(timedelta(days=60))
    assert len(mailbox.to(address)) == 2
    assert "resubmit_reminder_sent" in [e.action for e in await audit(sessions, org)]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"charity_number": None}, "A charity needs its charity number: it is missing."),
        ({"localities_served": ["Gateshead"]}, "'Gateshead' is not a locality"),
        ({"insurance_expires": "yesterday"}, "insurance expiry date"),
    ],
)
async def test_a_bad_proforma_is_refused_with_its_reason_and_records_nothing(
    members, env, sessions, mailbox, changes, reason
):
    org = new_org()
    day = await today(env)
    if changes.get("insurance_expires") == "yesterday":
        changes = {"insurance_expires": day - timedelta(days=1)}
    bad = ready_proforma(org, day, **changes)

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await members.submit(org, bad)

    assert reason in refusal(refused.value)
    assert await organisation(sessions, org) is None
    assert await audit(sessions, org) == []
    assert mailbox.to(f"ann@{org}.example.org") == []
    state = await members.state(org)
    assert (state.status, state.submissions, state.proforma) == ("applicant", 0, None)


async def test_a_member_cannot_submit_again_but_must_send_an_update(members, env, sessions):
    org = new_org()
    proforma = ready_proforma(org, await today(env))
    await members.submit(org, proforma)

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await members.submit(org, proforma)

    assert refusal(refused.value) == (
        "This organisation is already full: send a renewal update instead."
    )
    assert len(await audit(sessions, org)) == 1


async def test_members_are_findable_by_status_on_the_dev_server(
    dev_env, settings, sessions, task_queue
):
    org = new_org()
    day = (await dev_env.get_current_time()).date()
    async with membership_worker(dev_env, settings, sessions, task_queue) as members:
        await members.submit(org, ready_proforma(org, day, track_record=[]))

        async def listed() -> bool:
            query = f'MemberStatus = "associate" AND WorkflowId = "membership-{org}"'
            return [w.id async for w in dev_env.client.list_workflows(query)] == [
                f"membership-{org}"
            ]

        await wait_until(listed, within=15)
        assert org in await members.running()  # whom `member adopt-framework` reaches


async def test_two_proformas_sent_at_once_are_assessed_once(members, env, sessions, mailbox):
    org = new_org()
    proforma = ready_proforma(org, await today(env))

    results = await asyncio.gather(
        members.submit(org, proforma), members.submit(org, proforma), return_exceptions=True
    )

    refused = [r for r in results if isinstance(r, WorkflowUpdateFailedError)]
    assert [r.outcome for r in results if not isinstance(r, Exception)] == ["full"]
    assert [refusal(r) for r in refused] == [
        "This organisation is already full: send a renewal update instead."
    ]
    assert len(await audit(sessions, org)) == 1
    assert len(mailbox.to(f"ann@{org}.example.org")) == 1


def test_a_framework_with_an_unknown_criterion_is_refused_before_any_workflow(settings):
    framework = Framework(criteria=[EntryCriterion(key="has_a_website")])
    with pytest.raises(ValueError, match="unknown entry criteria: has_a_website"):
        MemberClient(client=None, settings=settings, framework=framework)  # type: ignore[arg-type]
