"""What the web tests share: the app on the real servers, signed-in viewers, task links
taken from the e-mails that really arrived, and a bid driven to the stage a test needs."""

import re
from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from temporalio.testing import WorkflowEnvironment

from activities.task_links import verify_task_link
from models import bid_answers as a
from models.tables import AuditEntry
from tests.helpers import wait_until
from tests.workflows.bid_support import Bid, days, start_bid
from web.auth import SESSION_COOKIE, Viewer, session_value
from web.csrf import COOKIE as CSRF_COOKIE

TASK_URL = re.compile(r"https?://[^\s\"'<>]+/task/([A-Za-z0-9_.\-]+)")
CSRF = "test-csrf-token"
MEMBERS = {
    "alpha": {"lead": True, "staff": 12, "track": 4},
    "beta": {},
    "gamma": {},
    "delta": {},
}


@dataclass
class Web:
    """The app and an HTTP client for it; `as_viewer` signs the client in."""

    app: FastAPI
    client: httpx.AsyncClient
    env: WorkflowEnvironment
    sessions: object
    task_queue: str

    async def start_bid(self, **options) -> Bid:
        """A bid among MEMBERS on this test's task queue (the bid worker ends it after)."""
        return await start_bid(self.env, self.sessions, self.task_queue, MEMBERS, **options)

    @property
    def settings(self):
        return self.app.state.services.settings

    def as_viewer(self, viewer: Viewer | None) -> httpx.AsyncClient:
        self.client.cookies.clear()
        self.client.cookies.set(CSRF_COOKIE, CSRF)
        if viewer is not None:
            self.client.cookies.set(SESSION_COOKIE, session_value(self.settings, viewer))
        return self.client

    def as_lead(self, org_id: str) -> httpx.AsyncClient:
        viewer = Viewer(email=f"{org_id}@example.org", role="lead", organisation_id=org_id)
        return self.as_viewer(viewer)

    def as_coordinator(self) -> httpx.AsyncClient:
        return self.as_viewer(Viewer(email=self.settings.coordinator_email, role="coordinator"))

    def as_partner(self) -> httpx.AsyncClient:
        return self.as_viewer(None)


def task_tokens(mailbox, address: str) -> list[str]:
    """Every task token in the e-mails `address` received, oldest first."""
    tokens = []
    for message in mailbox.to(address):
        body = message.get_body(("plain",))
        tokens += TASK_URL.findall(body.get_content() if body else "")
    return tokens


async def token_for(mailbox, address: str, count: int = 1) -> str:
    """The newest task token once `address` has received at least `count` of them."""
    await wait_until(lambda: len(task_tokens(mailbox, address)) >= count)
    return task_tokens(mailbox, address)[-1]


async def token_of_kind(mailbox, address: str, kind: str, secret: str) -> str:
    """The newest task token of `kind` (e.g. "section") that `address` received."""

    def found() -> list[str]:
        return [
            t for t in task_tokens(mailbox, address) if verify_task_link(t, secret).kind == kind
        ]

    await wait_until(found)
    return found()[-1]


async def audit_count(sessions, bid_id: str, action: str) -> int:
    async with sessions() as session:
        return await session.scalar(
            select(func.count()).where(AuditEntry.bid_id == bid_id, AuditEntry.action == action)
        )


async def to_partner_signup(bid: Bid, invite: tuple[str, ...] = ("beta", "gamma")) -> None:
    """Interest from all, go, alpha confirmed as lead, `invite` invited by alpha."""
    h = bid.handle
    answers = {"alpha": "lead", "beta": "partner", "gamma": "partner", "delta": "not_this_time"}
    for name, answer in answers.items():
        await h.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=bid.org(name), answer=answer)
        )
    await bid.reach("decision")
    await h.execute_update("decide_bid", a.BidDecision(actor="coordinator", go=True))
    await bid.reach("lead_selection")
    await h.execute_update(
        "choose_lead", a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha"))
    )
    await bid.reach("partner_signup")
    if invite:
        await h.execute_update(
            "invite_partners",
            a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org(n) for n in invite]),
        )


async def to_drafting(bid: Bid, now) -> None:
    """Partners beta and gamma accepted; summary assigned to beta, delivery to gamma."""
    await to_partner_signup(bid)
    for name in ("beta", "gamma"):
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org(name), accept=True)
        )
    await bid.reach("drafting")
    await bid.handle.execute_update(
        "assign_sections",
        a.SectionAssignments(
            actor=bid.org("alpha"),
            assignments=[
                a.SectionAssignment(
                    section="summary", organisation_id=bid.org("beta"), due=now + days(10)
                ),
                a.SectionAssignment(
                    section="delivery", organisation_id=bid.org("gamma"), due=now + days(10)
                ),
            ],
        ),
    )
