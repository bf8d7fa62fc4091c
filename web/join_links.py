"""Signed, expiring links to an application to join: e-mailed to the applicant, who resumes
the form from it, and resubmits from it after being signposted. No account needed.

The token carries the application's id and when the link stops working; the secret is
`settings.secret_key` (its own salt, so a task link or a session is never read as one).
"""

from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import AwareDatetime, BaseModel, ValidationError

SALT = "consortia.join-link"
LINK_DAYS = 90  # long enough to gather the documents, renew insurance, and resubmit


class JoinLink(BaseModel):
    application_id: str
    expires_at: AwareDatetime


class JoinLinkError(Exception):
    """The link was changed, cut short or has expired: the message says which, for a person.
    `expired` holds a genuine link that has only run out, so a fresh one can be sent to the
    application's own address."""

    def __init__(self, message: str, expired: JoinLink | None = None) -> None:
        super().__init__(message)
        self.expired = expired


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def sign_join_link(application_id: str, secret: str, now: datetime) -> str:
    link = JoinLink(application_id=application_id, expires_at=now + timedelta(days=LINK_DAYS))
    return str(_serializer(secret).dumps(link.model_dump(mode="json")))


def verify_join_link(token: str, secret: str, now: datetime | None = None) -> JoinLink:
    """The link a token carries; raises `JoinLinkError` if tampered with or expired."""
    try:
        link = JoinLink.model_validate(_serializer(secret).loads(token))
    except (BadSignature, ValidationError) as error:
        raise JoinLinkError(
            "This link to your application is not valid: it may have been changed or cut short. "
            "Copy the whole link from the e-mail, or start a new application."
        ) from error
    if (now or datetime.now(UTC)) >= link.expires_at:
        raise JoinLinkError(
            f"This link to your application expired on {link.expires_at:%d %B %Y}. "
            "We can e-mail a new one to the address you gave.",
            link,
        )
    return link
