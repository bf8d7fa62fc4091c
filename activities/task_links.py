"""Signed, expiring task links: `{public_url}/task/{token}` in every e-mail that asks for an answer.

Pure functions over `itsdangerous`; the secret is `settings.secret_key`. The token carries the
`TaskLink` itself, so the web page knows who may answer what without an account.

A few tasks are the lead's or the coordinator's, answered on the bid's page once signed in:
their e-mails link to `/sign-in?next=<that page>` instead (`signed_in_path`), which goes
straight there for someone signed in and back there after signing in for someone who is not.
"""

from datetime import UTC, datetime
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import ValidationError

from models.task import TaskLink

SALT = "consortia.task-link"

# The tasks answered on the bid's page by a signed-in lead or coordinator (no task page has a
# form for them), and the part of that page that answers each.
SIGNED_IN_TASKS = {
    "bid_decision": "step-in",
    "lead_choice": "step-in",
    "escalation": "step-in",
    "invite_partners": "invite",
    "assign_sections": "sections",
}


class TaskLinkError(Exception):
    """The link was tampered with, or has expired; the message says which, for a person."""


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def sign_task_link(link: TaskLink, secret: str) -> str:
    return str(_serializer(secret).dumps(link.model_dump(mode="json")))


def verify_task_link(token: str, secret: str, now: datetime | None = None) -> TaskLink:
    """The link a token carries; raises `TaskLinkError` if tampered with or expired."""
    try:
        link = TaskLink.model_validate(_serializer(secret).loads(token))
    except (BadSignature, ValidationError) as error:
        raise TaskLinkError("This link is not valid: it may have been changed or cut short.") from (
            error
        )
    if (now or datetime.now(UTC)) >= link.expires_at:
        raise TaskLinkError(
            f"This link expired on {link.expires_at:%d %B %Y}: ask the coordinator for a new one."
        )
    return link


def signed_in_path(link: TaskLink) -> str | None:
    """The sign-in page leading to where a signed-in person answers `link`'s task, or None
    for a task answered on its task page. A path: the e-mail puts the site's address first."""
    anchor = SIGNED_IN_TASKS.get(link.kind)
    if anchor is None:
        return None
    page = "dashboard" if link.organisation_id == "coordinator" else "console"
    return "/sign-in?next=" + quote(f"/{page}/bids/{link.bid_id}#{anchor}", safe="/")
