"""`consortia up --demo` shows a consortium at work at first sight: bids at different stages
on the coordinator's list, and figures on the framework page that are not all zero."""

import asyncio
import re
import time
from html import unescape

import httpx

from settings import Settings
from tests.deploy.test_local import Up
from web.auth import Viewer, session_value


async def test_the_demo_lists_bids_in_four_stages_and_the_framework_shows_figures(tmp_path):
    settings = Settings()  # the same environment, so the same secret and coordinator
    viewer = Viewer(email=settings.coordinator_email, role="coordinator")
    session = session_value(settings, viewer)
    up = Up(tmp_path)
    started = time.monotonic()
    try:
        await asyncio.to_thread(up.wait_healthy)
        played = [line for line in up.head if line.startswith("demo ")]
        assert any("played to their stages" in line for line in played), played
        base = f"http://127.0.0.1:{up.web}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            bids = await http.get("/api/bids", headers={"Authorization": f"Bearer {session}"})
            http.cookies.set("session", session)
            framework = await http.get("/framework")
    finally:
        await asyncio.to_thread(up.interrupt)
    stages = {bid["stage"] for bid in bids.json()}
    assert len(bids.json()) >= 4 and len(stages) >= 4, stages
    assert {"notice", "drafting", "la_signoff", "awarded"} <= stages
    assert any(task["overdue"] for bid in bids.json() for task in bid["outstanding"])
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", framework.text)))
    figures = re.search(r"(\d+) bids started · (\d+) submitted · (\d+) won · £([\d,]+) won", text)
    assert figures is not None, text[:2000]
    assert all(int(n.replace(",", "")) > 0 for n in figures.groups()), figures.group(0)
    assert time.monotonic() - started < 120  # the demo's bids must not hold up `up` for long
