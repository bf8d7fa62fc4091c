"""Every answer the CLI, the pages and the API send is an Update in the one table
(`models/bid_updates.py`), with the input model the table gives, and the bid workflow
registers a handler for every row of it: a renamed Update fails here, not in front of a
partner."""

from models.bid_updates import BID_UPDATES, UPDATES
from starter import UPDATES as CLI_UPDATES
from tests.workflows.bid_steps import MEMBERS
from tests.workflows.bid_support import bid_worker, start_bid
from web.bid_actions import ACTIONS
from web.task_forms import FORMS, WITHDRAW


def test_the_pages_the_api_and_the_cli_name_only_updates_of_the_table():
    for form in [*FORMS.values(), WITHDRAW]:
        assert form.update in UPDATES, form.update
    for name, action in ACTIONS.items():
        assert UPDATES[name] is action and action.allows("coordinator"), name
    assert {u.name for u in CLI_UPDATES.values()} == set(UPDATES)
    assert len(UPDATES) == len(BID_UPDATES)  # each declared once


async def test_the_bid_workflow_takes_every_update_of_the_table_and_no_other(
    time_skipping_env, settings, sessions, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        metadata = await bid.handle.query("__temporal_workflow_metadata")
        await bid.handle.terminate("the test is over")
    registered = {u.name for u in metadata.definition.update_definitions}
    assert registered == set(UPDATES), registered ^ set(UPDATES)
