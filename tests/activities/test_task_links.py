"""Task links: signed for one organisation, bid and task; tampered or expired links refused."""

from datetime import UTC, datetime, timedelta

import pytest

from activities.task_links import TaskLinkError, sign_task_link, verify_task_link
from models.task import TaskLink

NOW = datetime(2027, 3, 1, tzinfo=UTC)
LINK = TaskLink(
    bid_id="bid-1", organisation_id="org-1", kind="section", key="outcomes", expires_at=NOW
)


def test_a_signed_link_verifies_to_the_same_task():
    token = sign_task_link(LINK, "secret")
    assert verify_task_link(token, "secret", now=NOW - timedelta(days=1)) == LINK


def test_a_tampered_link_is_refused():
    token = sign_task_link(LINK, "secret")
    forged = sign_task_link(LINK.model_copy(update={"organisation_id": "org-2"}), "other")
    for bad in (token[:-2] + "xx", forged, "rubbish"):
        with pytest.raises(TaskLinkError, match="not valid"):
            verify_task_link(bad, "secret", now=NOW - timedelta(days=1))


def test_an_expired_link_is_refused_with_its_date():
    token = sign_task_link(LINK, "secret")
    with pytest.raises(TaskLinkError, match="expired on 01 March 2027"):
        verify_task_link(token, "secret", now=NOW)
