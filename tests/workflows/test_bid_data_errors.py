"""A write the database refuses (a data error, not an outage) is not retried for ever: the
bid goes on, records the problem, and the coordinator hears what could not be saved.

The refusal is the database's own: a trigger in this test's database raises a check
violation for one contribution's text, as a constraint would."""

from sqlalchemy import text

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, PLAN, assign, to_drafting
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
