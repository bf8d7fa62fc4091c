"""Signed, expiring task links: `{public_url}/task/{token}` in every e-mail that asks for an answer.

Pure functions over `itsdangerous`; the secret is `settings.secret_key`. The token carries the
`TaskLink` itself, so the web page knows who may answer what without an account.
"""

from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import ValidationError

from models.task import TaskLink

SALT = "consortia.task-link"


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
