"""What holds a bid up, on the lead's console and the coordinator's bid page: a task past its
due date with the choices open (give more time, drop the partner, reassign the section), the
open escalation with its options, and a consortium below the notice's minimum."""

from datetime import timedelta

from models import bid_answers as a
from tests.helpers import wait_until
from tests.web.support import CSRF, to_drafting, to_partner_signup


async def overdue(bid, *task_ids: str) -> None:
    async def escalated() -> bool:
        schedule = (await bid.state()).schedule
        return all(t in schedule and schedule[t].overdue for t in task_ids)

    await wait_until(escalated)


async def test_an_overdue_section_shows_with_its_choices_and_the_lead_acts_from_the_console(
    web, time_skipping_env
):
    env = time_skipping_env
    bid = await web.start_bid(deadline_days=90)
    await to_drafting(bid, await env.get_current_time())  # both sections due in 10 days
    await env.sleep(timedelta(days=11))
    await overdue(bid, "section:summary", "section:delivery")
    url = f"/console/bids/{bid.handle.id}"
    lead = web.as_lead(bid.org("alpha"))
    console = (await lead.get(url)).text
    dashboard = (await web.as_coordinator().get(f"/dashboard/bids/{bid.handle.id}")).text
    for page in (console, dashboard):
        assert "Overdue" in page
        assert "Write the &#39;summary&#39; section" in page and "Beta Trust" in page
        assert "Write the &#39;delivery&#39; section" in page and "Gamma Trust" in page
        assert f'action="{url}/extend_task"' in page and 'value="section:summary"' in page
        assert "Give more time" in page and "Reassign" in page
        assert "Drop the partner" not in page  # not a choice for a section

    until = (await env.get_current_time() + timedelta(days=5)).date().isoformat()
    more_time = {"csrf_token": CSRF, "nonce": "x1", "task": "section:summary", "until": until}
    assert (await lead.post(f"{url}/extend_task", data=more_time)).status_code == 303
    state = await bid.state()
    assert not state.schedule["section:summary"].overdue
    assert state.schedule["section:summary"].due.isoformat().startswith(f"{until}T17:00")
    reassign = {"csrf_token": CSRF, "nonce": "x2", "section": "delivery",
                "organisation_id": bid.org("alpha"), "due": until}  # fmt: skip
    assert (await lead.post(f"{url}/assign_sections", data=reassign)).status_code == 303
    state = await bid.state()
    assert state.sections["delivery"].assigned_to == bid.org("alpha")
    assert not any(t.overdue for t in state.schedule.values())
    assert "Overdue" not in (await lead.get(url)).text


async def test_an_overdue_invitation_and_the_stuck_sign_up_show_and_the_lead_drops_the_partner(
    web, time_skipping_env
):
    env = time_skipping_env
    bid = await web.start_bid(deadline_days=90)
    await to_partner_signup(bid)  # beta and gamma invited
    await bid.handle.execute_update(
        "answer_invitation", a.InvitationAnswer(actor=bid.org("beta"), accept=True)
    )
    await env.sleep(timedelta(days=11))  # past the sign-up's cut-off: gamma never answered
    await overdue(bid, f"invitation:{bid.org('gamma')}")
    await wait_until(lambda: _escalated(bid))
    url = f"/console/bids/{bid.handle.id}"
    lead = web.as_lead(bid.org("alpha"))
    console = (await lead.get(url)).text
    dashboard = (await web.as_coordinator().get(f"/dashboard/bids/{bid.handle.id}")).text
    for page in (console, dashboard):
        assert "Only 1 of 2 partners accepted" in page  # the escalation's reason
        assert "Join the consortium led by Alpha Trust" in page and "Gamma Trust" in page
        assert "Give more time" in page and "Drop the partner" in page
    # The lead reads the coordinator's options; the coordinator has them as buttons.
    assert "The coordinator decides: extend or abandon" in console
    assert 'name="action" value="abandon"' in dashboard and 'value="abandon"' not in console

    drop = {"csrf_token": CSRF, "nonce": "d1", "organisation_id": bid.org("gamma"),
            "reason": "No answer to the invitation"}  # fmt: skip
    assert (await lead.post(f"{url}/remove_partner", data=drop)).status_code == 303
    state = await bid.state()
    assert state.partners[bid.org("gamma")].status == "removed"
    assert f"invitation:{bid.org('gamma')}" not in state.schedule


async def _escalated(bid) -> bool:
    escalation = (await bid.state()).escalation
    return escalation is not None and escalation.stage == "partner_signup"


async def test_a_consortium_below_the_notices_minimum_shows_on_the_console_and_dashboard(
    web, time_skipping_env
):
    bid = await web.start_bid()  # the notice asks for two partners
    await to_drafting(bid, await time_skipping_env.get_current_time())
    await bid.handle.execute_update(
        "withdraw", a.Withdrawal(actor=bid.org("gamma"), reason="Lost our youth worker")
    )
    url = f"/console/bids/{bid.handle.id}"
    console = (await web.as_lead(bid.org("alpha")).get(url)).text
    dashboard = (await web.as_coordinator().get(f"/dashboard/bids/{bid.handle.id}")).text
    for page in (console, dashboard):
        assert "Below the notice's minimum: 1 partner of the 2 it asks for" in page
    assert "Invite partners" in console  # the lead may invite more meanwhile
