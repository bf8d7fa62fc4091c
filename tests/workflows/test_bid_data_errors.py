"""A write the database refuses, or a letter the relay refuses for good (a data error, not
an outage), is not retried for ever: the bid goes on, records the problem, and the
coordinator hears what could not be saved or sent.

The refusal is the database's own: a trigger in this test's database raises a check
violation for one contribution's text, as a constraint would."""

from aiosmtpd.controller import Controller
from sqlalchemy import text

from models import bid_answers as a
from tests.activities.test_email import RefusesOneAddress
from tests.helpers import free_port, wait_until
from tests.workflows.bid_steps import MEMBERS, PLAN, assign, to_drafting, to_lead_selection
from tests.workflows.bid_support import bid_worker, start_bid, subjects

REFUSE = [
    """CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$
    BEGIN
        IF NEW.body = 'refused by the database' THEN
            RAISE EXCEPTION 'contribution refused' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS refuse_poison ON contributions",
    "CREATE TRIGGER refuse_poison BEFORE INSERT ON contributions "
    "FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
]


async def test_a_contribution_the_database_refuses_reaches_the_coordinator_and_the_bid_goes_on(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with sessions() as session, session.begin():
        for statement in REFUSE:
            await session.execute(text(statement))
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_drafting(bid)
        await assign(bid, env, PLAN)
        summary = await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(
                actor=bid.org("beta"), section="summary", body="refused by the database"
            ),
        )
        assert summary["sections"]["summary"] == "submitted"  # the bid took the answer
        assert "the contribution could not be saved" in summary["problems"][0]
        await wait_until(
            lambda: any("could not be saved" in s for s in subjects(mailbox, bid.coordinator))
        )
        # And goes on: the next answer is taken as usual.
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org("gamma"), section="delivery", body="Fine text"),
        )
        state = await bid.state()
    assert state.sections["delivery"].status == "submitted"
    [letter] = [m for m in mailbox.to(bid.coordinator) if "could not be saved" in str(m["Subject"])]
    body = letter.get_body(("plain",)).get_content()
    assert "the contribution could not be saved" in body


async def test_letters_sent_together_that_the_relay_refuses_are_named_to_the_coordinator(
    time_skipping_env, settings, sessions, task_queue
):
    """Confirming the lead mails it twice (it leads; invite your partners), by one activity.
    When the relay refuses the lead's address for good, the one problem the coordinator hears
    of names both mailings, and the bid goes on: the lead invites from its console."""
    env = time_skipping_env
    relay = RefusesOneAddress("nobody@example.org")
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp = settings.model_copy(update={"smtp_port": controller.port})
        async with bid_worker(env, smtp, sessions, task_queue):
            bid = await start_bid(env, sessions, task_queue, MEMBERS)
            await to_lead_selection(bid)
            relay.refused = bid.email("alpha")  # its mailbox is gone from now on
            await bid.handle.execute_update(
                "choose_lead", a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha"))
            )
            await wait_until(
                lambda: any(
                    "could not be saved or sent" in str(m["Subject"])
                    for m in relay.to(bid.coordinator)
                )
            )
            await bid.reach("partner_signup")
            await bid.handle.execute_update(
                "invite_partners",
                a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org("beta")]),
            )
            state = await bid.state()
    finally:
        controller.stop()
    [problem] = state.problems
    assert "'lead-confirmed', 'invite-partners' could not be sent" in problem
    assert "2 of 2 letters were not sent" in problem
    to_lead = [str(m["Subject"]) for m in relay.to(bid.email("alpha"))]
    assert to_lead and not any("lead this bid" in s or "Invite your" in s for s in to_lead)
    assert state.partners[bid.org("beta")].status == "invited"
