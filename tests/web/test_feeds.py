"""Published notices on the coordinator's pages: a source polled by its workflow (its runs,
count and last error listed), a notice circulated in one click, and the quarterly newsletter
previewed with its introduction and sent to every member."""

import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.worker import Worker

from activities.email import EmailActivities
from activities.mailer import Mailer
from activities.newsletter import NewsletterActivities
from activities.ocds import FeedActivities, NoticeImporter
from models.feeds import FeedSourceConfig, PollInput
from models.newsletter import NewsletterInput
from tests.activities.ocds_packages import release_package, tender
from tests.helpers import free_port, wait_until
from tests.web.support import CSRF, MEMBERS
from tests.workflows.bid_support import add_members, days, keep_history
from workflows.feed import FeedWorkflow
from workflows.newsletter import NewsletterWorkflow


class Publisher(BaseHTTPRequestHandler):
    """A source of packages on localhost: path -> JSON; anything else is a 404."""

    pages: dict[str, bytes] = {}
    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.asked.append(self.path)
        body = self.pages.get(self.path.split("?")[0])
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body or b"{}")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def publisher():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Publisher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def local_settings(web, tag: str, theme: str, sources=()):
    return web.settings.model_copy(
        update={
            "ocds_cpv_themes": {"853": theme},
            "coordinator_email": f"coordinator-{tag}@example.org",
            "feed_sources": list(sources),
        }
    )


async def test_a_polled_source_shows_its_runs_count_and_last_error(web, publisher, sessions):
    tag = uuid.uuid4().hex[:8]
    port = publisher.server_address[1]
    good = FeedSourceConfig(name=f"good-{tag}", url=f"http://127.0.0.1:{port}/{tag}.json")
    gone = FeedSourceConfig(name=f"gone-{tag}", url=f"http://127.0.0.1:{port}/missing")
    settings = local_settings(web, tag, f"theme-{tag}", [good, gone])
    now = await web.env.get_current_time()
    ocid = f"ocds-poll-{tag}"
    Publisher.pages[f"/{tag}.json"] = json.dumps(
        release_package(tender(ocid, f"{ocid}-1", now, now + days(40), vcse=False))
    ).encode()
    queue = f"feeds-{tag}"
    feeds = FeedActivities(sessions, settings)
    async with Worker(
        web.env.client, task_queue=queue, workflows=[FeedWorkflow], activities=[feeds.poll_source]
    ):
        for run in (1, 2):
            report = await web.env.client.execute_workflow(
                FeedWorkflow.run, PollInput(source=good.name), id=f"{queue}-{run}", task_queue=queue
            )
            assert (report.imported, report.already_held) == ((1, 0) if run == 1 else (0, 1))
        await keep_history(web.env, f"{queue}-1", "feed_poll")
        with pytest.raises(WorkflowFailureError):
            await web.env.client.execute_workflow(
                FeedWorkflow.run, PollInput(source=gone.name), id=f"{queue}-3", task_queue=queue
            )
    # the second poll asked from the cursor: the latest release date seen
    assert any("updatedFrom=" in path for path in Publisher.asked if tag in path)

    web.app.state.services.settings = settings
    page = await web.as_coordinator().get("/feeds")
    assert page.status_code == 200
    assert f"feed-{good.name}" in page.text and "every 60 minutes" in page.text
    assert "0 / 1" in page.text  # none new on the last run, one in all
    assert "answered 404" in page.text
    assert "not flagged suitable for VCSE" not in page.text  # the page shows status, not prose
    assert (await web.as_partner().get("/feeds")).status_code in (303, 401, 403)


async def test_the_coordinator_circulates_a_notice_and_sends_the_newsletter(web, sessions, mailbox):
    tag = uuid.uuid4().hex[:8]
    theme = f"theme-{tag}"
    orgs = await add_members(sessions, tag, theme, MEMBERS)
    settings = local_settings(web, tag, theme)
    source = FeedSourceConfig(name=f"cf-{tag}", url="https://example.invalid/")  # not trusted
    now = await web.env.get_current_time()
    ocid = f"ocds-ready-{tag}"
    importer = NoticeImporter(sessions, settings, web.env.client)
    report = await importer.import_package(
        release_package(tender(ocid, f"{ocid}-1", now, now + days(40))), source
    )
    assert report.effects == [f"{ocid} {ocid}-1: offered to the coordinator to circulate"]
    [offer] = mailbox.to(settings.coordinator_email)
    assert "Ready to circulate" in str(offer["Subject"])

    coordinator = web.as_coordinator()
    page = await coordinator.get("/feeds")
    assert ocid in page.text and "Circulate: start the bid" in page.text
    started = await coordinator.post("/feeds/circulate", data={"csrf_token": CSRF, "ocid": ocid})
    assert started.status_code == 303
    assert started.headers["location"] == f"/dashboard/bids/bid-{ocid}"
    await wait_until(
        lambda: any(
            "Young people" in str(m["Subject"]) for m in mailbox.to(f"{orgs['beta']}@example.org")
        )
    )

    intro = f"Welcome to the quarter, {tag}."
    saved = await coordinator.post(
        "/feeds/newsletter/introduction", data={"csrf_token": CSRF, "introduction": intro}
    )
    assert saved.status_code == 303
    preview = await coordinator.get("/feeds/newsletter")
    assert intro in preview.text and "Young people&#39;s mental health peer support" in preview.text
    too_long = {"csrf_token": CSRF, "introduction": "x" * 5_001}
    assert (
        await coordinator.post("/feeds/newsletter/introduction", data=too_long)
    ).status_code == 422

    queue = f"newsletter-{tag}"
    mailer = Mailer(settings)
    letters = NewsletterActivities(sessions, settings, EmailActivities(sessions, mailer, settings))
    async with Worker(
        web.env.client,
        task_queue=queue,
        workflows=[NewsletterWorkflow],
        activities=[letters.draft_newsletter, letters.send_newsletter_page],
    ):
        input = NewsletterInput(
            coordinator_email=settings.coordinator_email,
            preview_url="http://testserver/feeds/newsletter",
            review=timedelta(days=3),
        )
        sent = await web.env.client.execute_workflow(
            NewsletterWorkflow.run, input, id=queue, task_queue=queue
        )
        await keep_history(web.env, queue, "newsletter_quarter")
    await mailer.close()
    assert sent >= len(MEMBERS)
    [news] = [
        m for m in mailbox.to(f"{orgs['gamma']}@example.org") if "newsletter" in str(m["Subject"])
    ]
    text = news.get_body(("plain",)).get_content()
    assert intro in text and "Young people's mental health peer support" in text
    assert any("ready to read" in str(m["Subject"]) for m in mailbox.to(settings.coordinator_email))
