"""When Temporal cannot be reached, a page says so (503) rather than failing with a 500."""

from datetime import UTC, datetime, timedelta

import httpx

from activities.task_links import sign_task_link
from models.task import TaskLink
from tests.helpers import free_port
from web.app import create_app


async def test_a_task_page_says_try_again_when_temporal_is_down(settings):
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(down)
    link = TaskLink(
        bid_id="bid-x",
        organisation_id="org-x",
        kind="invitation",
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    token = sign_task_link(link, down.secret_key.get_secret_value())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get(f"/task/{token}")
        api = await client.get(f"/api/tasks/{token}")
    await app.state.services.engine.dispose()
    assert page.status_code == 503 and "try again" in page.text
    assert api.status_code == 503 and "try again" in api.json()["detail"]
