"""A member's life after joining: renewal reminders, suspension at expiry and reinstatement,
the coordinator's override, leaving, and continue-as-new. Months pass in skipped time."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from activities.directory import DirectoryActivities
from members import MemberClient, NoMembership, refusal
from models.directory import MatchInput
from models.framework import EntryCriterion, Framework, Reminders
from models.membership import (
    FrameworkAdoption,
    Leave,
    MembershipInput,
    Override,
    membership_workflow_id,
)
from tests.helpers import wait_until
from tests.workflows.test_membership import (
    audit,
    membership_worker,
    new_org,
    organisation,
    ready_proforma,
    text_of,
    today,
)
from workflows.membership import MembershipWorkflow


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


@pytest.fixture
async def members(env, settings, sessions, task_queue):
    async with membership_worker(env, settings, sessions, task_queue) as client:
        yield client


async def matched(sessions, org: str) -> bool:
    found = await DirectoryActivities(sessions).match_members(MatchInput())
    return org in [m.organisation_id for m in found]


async def test_a_member_is_reminded_before_expiry_suspended_at_it_and_reinstated_on_update(
    members, env, sessions, mailbox
):
    org = new_org()
    address = f"ann@{org}.example.org"
    day = await today(env)
    proforma = ready_proforma(org, day, insurance_expires=day + timedelta(days=40))
    await members.submit(org, proforma)
    assert await matched(sessions, org)

    await env.sleep(timedelta(days=11))  # 30 days before expiry has passed
    await wait_until(lambda: len(mailbox.to(address)) == 2)
    first = mailbox.to(address)[-1]
    assert first["Subject"] == (
        f"{proforma.name}: the insurance date on your proforma is "
        f"{proforma.insurance_expires:%-d %B %Y}"
    )
    assert "in 30 days" in text_of(first)  # sent on the day it fell due, not later

    await env.sleep(timedelta(days=23))  # then 7 days before
    await wait_until(lambda: len(mailbox.to(address)) == 3)
    assert (await organisation(sessions, org)).status == "full"

    await env.sleep(timedelta(days=7))  # past the expiry date
    await wait_until(lambda: len(mailbox.to(address)) == 4)
    suspended = mailbox.to(address)[-1]
    assert suspended["Subject"] == f"{proforma.name} is suspended from new bids"
    assert "its insurance lapsed on" in text_of(suspended)
    assert "Bids already under way carry on." in text_of(suspended)
    assert (await organisation(sessions, org)).status == "suspended"
    assert not await matched(sessions, org)

    renewed = proforma.model_copy(
        update={"insurance_expires": await today(env) + timedelta(days=365)}
    )
    assessment = await members.update(org, renewed)

    assert assessment.outcome == "full"
    reinstated = mailbox.to(address)[-1]
    assert "Your suspension is lifted" in text_of(reinstated)
    assert (await organisation(sessions, org)).status == "full"
    assert await matched(sessions, org)
    assert [e.action for e in await audit(sessions, org)] == [
        "proforma_submitted",
        "renewal_reminder_sent",
        "renewal_reminder_sent",
        "member_suspended",
        "proforma_updated",
    ]


async def test_an_associates_insurance_lapse_does_not_suspend_it(members, env, sessions, mailbox):
    org = new_org()
    day = await today(env)
    proforma = ready_proforma(org, day, track_record=[], insurance_expires=day + timedelta(days=10))
    assert (await members.submit(org, proforma)).outcome == "associate"

    await env.sleep(timedelta(days=12))

    assert (await members.state(org)).status == "associate"
    assert len(mailbox.to(f"ann@{org}.example.org")) == 1  # no reminders: it does not lapse


async def test_the_coordinator_overrides_an_assessment_with_a_reason_kept_in_the_audit_log(
    members, env, sessions, mailbox
):
    org = new_org()
    day = await today(env)
    await members.submit(org, ready_proforma(org, day, dbs_checks=False))

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await members.override(org, Override(status="associate", reason="  "))
    assert "needs a reason" in str(refused.value.cause)
    assert [e.action for e in await audit(sessions, org)] == ["proforma_submitted"]

    reason = "DBS checks seen at the Stanley visit on 3 March"
    state = await members.override(org, Override(status="full", reason=reason, by="coord@x"))

    assert (state.status, state.override_reason) == ("full", reason)
    assert (await organisation(sessions, org)).status == "full"
    entry = (await audit(sessions, org))[-1]
    assert (entry.action, entry.actor) == ("assessment_overridden", "coord@x")
    assert entry.detail == {"from": "signposted", "to": "full", "reason": reason}
    welcome = mailbox.to(f"ann@{org}.example.org")[-1]
    assert f"The coordinator admitted you: {reason}" in text_of(welcome)


async def test_a_member_that_leaves_is_no_longer_matched_and_its_history_stays(
    members, env, sessions, mailbox
):
    org = new_org()
    await members.submit(org, ready_proforma(org, await today(env)))

    state = await members.leave(org, Leave(reason="merged with another charity"))

    assert state.status == "left"
    final = await members.handle(org).result()
    assert final.status == "left"
    assert (await organisation(sessions, org)).status == "left"
    assert not await matched(sessions, org)
    assert [e.action for e in await audit(sessions, org)] == ["proforma_submitted", "member_left"]
    farewell = mailbox.to(f"ann@{org}.example.org")[-1]
    assert "(merged with another charity)" in text_of(farewell)
    with pytest.raises(NoMembership, match="has left the framework"):  # a late answer
        await members.update(org, ready_proforma(org, await today(env)))
    assert len(await audit(sessions, org)) == 2


async def test_a_long_membership_continues_as_new_and_keeps_its_state(
    members, env, settings, task_queue, sessions
):
    org = new_org()
    members.started.add(org)
    first = await env.client.start_workflow(
        MembershipWorkflow.run,
        MembershipInput(organisation_id=org, framework=members.framework, max_history_events=30),
        id=membership_workflow_id(org),
        task_queue=task_queue,
    )
    day = await today(env)
    await members.submit(org, ready_proforma(org, day))
    for n in range(6):
        await members.update(org, ready_proforma(org, day, staff=10 + n))

    await wait_until(lambda: _run_changed(members, org, first.result_run_id))
    state = await members.state(org)
    assert (state.status, state.submissions, state.proforma.staff) == ("full", 7, 15)
    assert state.membership_id == first.result_run_id
    assert (await organisation(sessions, org)).staff == 15


async def _run_changed(members, org: str, first_run_id: str) -> bool:
    return (await members.handle(org).describe()).run_id != first_run_id


async def test_an_organisation_that_left_can_join_again_and_is_listed_again(
    members, env, sessions, mailbox
):
    org = new_org()
    proforma = ready_proforma(org, await today(env))
    await members.submit(org, proforma)
    await members.leave(org, Leave(reason="lost its only volunteer"))
    await members.handle(org).result()

    again = await members.submit(org, proforma)

    assert again.outcome == "full"
    assert (await organisation(sessions, org)).status == "full"
    assert await matched(sessions, org)
    subjects = [m["Subject"] for m in mailbox.to(f"ann@{org}.example.org")]
    assert len(subjects) == 3 and subjects[0] == subjects[2]  # welcomed twice, once per joining


async def test_a_running_membership_follows_an_adopted_framework(
    members, env, settings, sessions, mailbox
):
    org = new_org()
    address = f"ann@{org}.example.org"
    proforma = ready_proforma(org, await today(env), dbs_checks=False)
    await members.submit(org, proforma)
    quicker = members.framework.model_copy(
        update={"reminders": Reminders(resubmit_after_days=7), "name": "revised framework"}
    )
    bad = FrameworkAdoption(framework=Framework(criteria=[EntryCriterion(key="has_a_website")]))

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await members.handle(org).execute_update(MembershipWorkflow.adopt_framework, bad)
    revised = MemberClient(env.client, settings, members.task_queue, framework=quicker)
    await revised.adopt_framework(org)
    await env.sleep(timedelta(days=8))

    assert refusal(refused.value) == "Unknown entry criteria: has_a_website."
    await wait_until(lambda: len(mailbox.to(address)) == 2)
    reminder = mailbox.to(address)[-1]
    assert reminder["Subject"] == f"Reminder: {proforma.name} can still join the revised framework"
    assert [e.action for e in await audit(sessions, org)] == [
        "proforma_submitted",
        "framework_adopted",
        "resubmit_reminder_sent",
    ]
