"""A live app (uvicorn on a free port) and Debian's headless Chromium, driven by Playwright.

The tests skip, saying why, where /usr/bin/chromium or the `playwright` package is missing
(`.ci/run` installs Chromium; `playwright install` is not needed and cannot download here).
"""

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from tests.helpers import free_port, wait_until
from tests.workflows.bid_support import bid_worker
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")


def chromium_missing() -> str | None:
    if chromium_path() is None:
        return "no /usr/bin/chromium: install Debian's chromium (.ci/run does) to run browser tests"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed: pip install -e '.[test]'"
    return None


@dataclass
class Live:
    url: str
    app: object
    settings: object


@pytest.fixture
async def live(time_skipping_env, settings, sessions, task_queue) -> AsyncIterator[Live]:
    """The app served over real HTTP, with e-mail links pointing at it, and a bid worker."""
    if reason := chromium_missing():
        pytest.skip(reason)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    served = settings.model_copy(update={"public_url": url})
    app = create_app(served)
    app.state.services.use_client(time_skipping_env.client)
    app.state.services.clock = time_skipping_env.get_current_time
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started, within=10)
    try:
        async with bid_worker(time_skipping_env, served, sessions, task_queue):
            yield Live(url, app, served)
    finally:
        server.should_exit = True
        await serving


@pytest.fixture
async def browser(live) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        executable = chromium_path()
        chromium = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()
