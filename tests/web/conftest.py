"""The web app on the real servers: PostgreSQL, the time-skipping Temporal server, SMTP."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.web.support import Web
from tests.workflows.bid_support import bid_worker
from web.app import create_app


@pytest.fixture
async def web(time_skipping_env, settings, sessions, task_queue) -> AsyncIterator[Web]:
    """The app sharing the test's Temporal client and clock, with a bid worker running."""
    served = {"temporal_task_queue": task_queue, "temporal_ui_url": "http://temporal-ui.test"}
    app = create_app(settings.model_copy(update=served))
    services = app.state.services
    services.use_client(time_skipping_env.client)
    services.clock = time_skipping_env.get_current_time
    transport = httpx.ASGITransport(app=app)
    async with bid_worker(time_skipping_env, settings, sessions, task_queue):
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Web(app, client, time_skipping_env, sessions, task_queue)
    await services.engine.dispose()
