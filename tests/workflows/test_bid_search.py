"""Bids are findable by stage, lead, opportunity and deadline with Temporal's list filter,
as in `temporal workflow list --query "BidStage='drafting'"` (the dev server)."""

from datetime import timedelta

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, to_lead_selection
from tests.workflows.bid_support import bid_worker, start_bid


async def found(client, query: str) -> list[str]:
    return [w.id async for w in client.list_workflows(query)]


async def test_a_bid_is_found_by_its_stage_lead_opportunity_and_deadline(
    dev_env, settings, sessions, mailbox, task_queue
):
    env = dev_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        await to_lead_selection(bid)
        opportunity = f"BidOpportunity='{bid.notice.id}'"

        async def listed(query: str) -> bool:
            return await found(env.client, query) == [bid.handle.id]

        await wait_until(lambda: listed(f"BidStage='lead_selection' AND {opportunity}"))
        await bid.handle.execute_update(
            "choose_lead",
            a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha")),
        )
        await wait_until(lambda: listed(f"BidStage='partner_signup' AND {opportunity}"))
        await wait_until(lambda: listed(f"BidLead='{bid.org('alpha')}'"))
        deadline = bid.notice.submission_deadline
        after, before = (deadline + timedelta(minutes=m) for m in (-1, 1))
        window = f"BidDeadline > '{after.isoformat()}' AND BidDeadline < '{before.isoformat()}'"
        assert await listed(f"{window} AND {opportunity}")
        assert await found(env.client, f"BidStage='drafting' AND {opportunity}") == []
