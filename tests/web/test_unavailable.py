"""When Temporal cannot be reached, or a bid cannot take answers this moment, a page says so
(503, try again) rather than failing with a 500 or calling the bid closed."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from temporalio import workflow
from temporalio.worker import Worker

from activities.task_links import sign_task_link
from models.bid_answers import InvitationAnswer
from models.tables import Bid, Opportunity
from models.task import TaskLink
from tests.helpers import free_port, wait_until
from web.actions import update_bid
from web.app import create_app
from web.auth import Viewer, session_value
from web.services import Unavailable


def invitation_token(bid_id: str, settings) -> str:
    """A valid link to an invitation on `bid_id`, signed with the app's key."""
    link = TaskLink(
        bid_id=bid_id,
        organisation_id="org-x",
        kind="invitation",
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    return sign_task_link(link, settings.secret_key.get_secret_value())


async def test_a_task_page_says_try_again_when_temporal_is_down(settings):
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    token = invitation_token("bid-x", down)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get(f"/task/{token}")
        api = await client.get(f"/api/tasks/{token}")
    await app.state.services.engine.dispose()
    assert page.status_code == 503 and "try again" in page.text
    assert api.status_code == 503 and "try again" in api.json()["detail"]


@workflow.defn(name="BidWorkflow", sandboxed=False)
class BrokenBid:
    """A deployed bid worker with a bug: every workflow task fails, and Temporal retries it."""

    @workflow.run
    async def run(self, input: dict) -> None:
        raise RuntimeError("a bug in the deployed worker")


async def test_an_answer_to_a_bid_whose_worker_is_failing_says_try_again_not_closed(
    dev_env, settings, task_queue
):
    """The real server refuses Updates fast while a bid's workflow task keeps failing
    (FAILED_PRECONDITION, like a closed bid). The person is told to try again, not that the
    bid is closed."""
    bid_id = f"bid-{task_queue}"
    async with Worker(dev_env.client, task_queue=task_queue, workflows=[BrokenBid]):
        handle = await dev_env.client.start_workflow(
            "BidWorkflow", {}, id=bid_id, task_queue=task_queue
        )

        async def failing() -> bool:
            described = await handle.describe()
            return described.raw_description.pending_workflow_task.attempt >= 2

        await wait_until(failing)
        app = create_app(settings.model_copy(update={"temporal_task_queue": task_queue}))
        app.state.services.use_client(dev_env.client)
        token = invitation_token(bid_id, settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answer = await client.post(f"/api/tasks/{token}", json={"accept": "yes"})
        await app.state.services.engine.dispose()
        await handle.terminate()
    assert answer.status_code == 503, answer.text
    assert "try again" in answer.json()["detail"]


async def test_an_answer_the_bid_does_not_take_in_time_is_unavailable_not_a_crash(
    dev_env, task_queue
):
    """No worker polls this bid's queue, as when every worker is busy: the Update's wait runs
    out and the page gets `Unavailable` (503, try again), not an unhandled error."""
    handle = await dev_env.client.start_workflow(
        "BidWorkflow", {}, id=f"bid-{task_queue}", task_queue=task_queue
    )
    answer = InvitationAnswer(actor="org-x", accept=True)
    with pytest.raises(Unavailable):
        await update_bid(
            dev_env.client,
            handle.id,
            "answer_invitation",
            answer,
            "web:invitation:org-x",
            rpc_timeout=timedelta(seconds=2),
        )
    await handle.terminate()


@workflow.defn(name="BidWorkflow", sandboxed=False)
class UnreadableBid:
    """A bid whose `state` query fails, as its input says: the query raises (a bug), answers
    what is no bid's state (another version's worker), or answers more than Temporal carries."""

    def __init__(self) -> None:
        self._how = ""

    @workflow.run
    async def run(self, how: str) -> None:
        self._how = how
        await workflow.wait_condition(lambda: False)

    @workflow.query
    def state(self) -> dict:
        if self._how == "raises":
            raise RuntimeError("a bug in the state query")
        if self._how == "huge":
            return {"bid_id": "x", "padding": "x" * (5 * 1024 * 1024)}
        return {"bid_id": 1, "stage": "nowhere"}


async def add_read_model_row(sessions, bid_id: str, now: datetime) -> None:
    """The bid's row as its workflow wrote it before the query broke."""
    async with sessions() as session, session.begin():
        session.add(
            Opportunity(
                id=bid_id,
                funder="Big Lottery Fund",
                title=f"Unreadable {bid_id}",
                submission_deadline=now + timedelta(days=30),
                interest_cutoff=now + timedelta(days=7),
            )
        )
        await session.flush()
        session.add(Bid(id=bid_id, opportunity_id=bid_id, stage="drafting", version=1))


async def test_a_bid_whose_state_cannot_be_read_is_try_again_never_a_crash(
    dev_env, settings, sessions, task_queue
):
    """The pages that need the bid's state say try again (503) whatever made its query fail;
    the coordinator's bid page, which the read model can draw, still shows it."""
    coordinator = Viewer(email=settings.coordinator_email, role="coordinator")
    bearer = {"Authorization": f"Bearer {session_value(settings, coordinator)}"}
    app = create_app(settings.model_copy(update={"temporal_task_queue": task_queue}))
    app.state.services.use_client(dev_env.client)
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    async with Worker(dev_env.client, task_queue=task_queue, workflows=[UnreadableBid]), client:
        for how in ("raises", "not-a-state", "huge"):
            bid_id = f"bid-{how}-{task_queue}"
            await add_read_model_row(sessions, bid_id, datetime.now(UTC))
            handle = await dev_env.client.start_workflow(
                "BidWorkflow", how, id=bid_id, task_queue=task_queue
            )
            token = invitation_token(bid_id, settings)
            for method, url in (
                ("GET", f"/api/bids/{bid_id}"),
                ("GET", f"/api/tasks/{token}"),
                ("POST", f"/api/bids/{bid_id}/actions/cancel"),
            ):
                answer = await client.request(method, url, headers=bearer, json={"reason": "x"})
                assert answer.status_code == 503, (how, url, answer.text)
                assert "try again" in answer.json()["detail"]
            for url in (f"/task/{token}", f"/console/bids/{bid_id}"):
                page = await client.get(url, headers=bearer)
                assert page.status_code == 503, (how, url)
                assert "try again" in page.text
            dashboard = await client.get(f"/dashboard/bids/{bid_id}", headers=bearer)
            assert dashboard.status_code == 200, (how, dashboard.text)
            assert f"Unreadable {bid_id}" in dashboard.text
            assert "cannot be read just now" in dashboard.text
            await handle.terminate()
    await app.state.services.engine.dispose()
