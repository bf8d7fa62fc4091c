"""DBS checks with a renewal date, like safeguarding and insurance: the member is reminded
before it (with a link to its proforma, filled in), and suspended from new bids at it.
Real Temporal (time-skipping), PostgreSQL and SMTP; the weeks pass in skipped time."""

from datetime import timedelta

import pytest

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


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


async def test_dbs_checks_are_reminded_before_their_date_and_suspend_the_member_at_it(
    env, settings, sessions, task_queue, mailbox
):
    served = settings.model_copy(update={"public_url": "https://consortia.example"})
    org = new_org()
    address = f"ann@{org}.example.org"
    async with membership_worker(env, served, sessions, task_queue) as members:
        day = await today(env)
        due = day + timedelta(days=40)
        proforma = ready_proforma(org, day, dbs_expires=due)
        assert (await members.submit(org, proforma)).outcome == "full"
        assert (await organisation(sessions, org)).renewal_due == due

        await env.sleep(timedelta(days=11))  # 30 days before
        await wait_until(lambda: len(mailbox.to(address)) == 2)
        reminder = mailbox.to(address)[-1]
        assert reminder["Subject"] == (
            f"{proforma.name}: the DBS checks date on your proforma is {due:%-d %B %Y}"
        )
        assert f"https://consortia.example/join/renew/{org}" in text_of(reminder)
        assert "in 30 days" in text_of(reminder)
        await env.sleep(timedelta(days=23))  # 7 days before
        await wait_until(lambda: len(mailbox.to(address)) == 3)
        assert (await organisation(sessions, org)).status == "full"

        await env.sleep(timedelta(days=7))  # past the date
        await wait_until(lambda: len(mailbox.to(address)) == 4)
        suspended = mailbox.to(address)[-1]
        assert "its DBS checks lapsed on" in text_of(suspended)
        assert (await organisation(sessions, org)).status == "suspended"
        assert (await members.state(org)).suspended_reason.startswith("its DBS checks lapsed")
        assert [e.action for e in await audit(sessions, org)] == [
            "proforma_submitted",
            "renewal_reminder_sent",
            "renewal_reminder_sent",
            "member_suspended",
        ]
