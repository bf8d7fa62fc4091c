"""A section contribution through the pages: the partner submits from the e-mail's link, the
lead returns it with comments from the console, the partner sees them and resubmits."""

from datetime import timedelta

from sqlalchemy import select

from models.tables import Attachment, Contribution
from tests.helpers import wait_until
from tests.web.support import CSRF, audit_count, to_drafting, token_of_kind


async def contributions(sessions, bid_id: str) -> list[Contribution]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Contribution).where(Contribution.bid_id == bid_id).order_by(Contribution.version)
        )
        return list(rows.all())


async def test_a_contribution_is_submitted_returned_with_comments_and_resubmitted(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "section", secret)

    partner = web.as_partner()
    page = await partner.get(f"/task/{token}")
    assert "Please write your section of the bid" in page.text
    first = {"csrf_token": CSRF, "nonce": "v1", "body": "Our summary, first draft."}
    upload = {"attachment": ("budget.csv", b"item,cost\nstaff,1000\n", "text/csv")}
    assert (await partner.post(f"/task/{token}", data=first, files=upload)).status_code == 303

    lead = web.as_lead(bid.org("alpha"))
    console = await lead.get(f"/console/bids/{bid.handle.id}")
    assert "Our summary, first draft." in console.text
    review = {
        "csrf_token": CSRF,
        "nonce": "r1",
        "section": "summary",
        "approve": "no",
        "comments": "Please add the outcomes.",
    }
    response = await lead.post(f"/console/bids/{bid.handle.id}/review_contribution", data=review)
    assert response.status_code == 303

    partner = web.as_partner()
    page = await partner.get(f"/task/{token}")
    assert "Please add the outcomes." in page.text and "Resubmit" in page.text
    second = {"csrf_token": CSRF, "nonce": "v2", "body": "Our summary, with outcomes."}
    assert (await partner.post(f"/task/{token}", data=second)).status_code == 303

    state = await bid.state()
    assert state.sections["summary"].status == "submitted"
    assert state.sections["summary"].version == 2
    await wait_until(lambda: _versions(sessions, bid.handle.id, 2))
    rows = await contributions(sessions, bid.handle.id)
    assert [r.body for r in rows] == ["Our summary, first draft.", "Our summary, with outcomes."]
    assert rows[0].attachment_name == "budget.csv" and rows[0].review == "returned"
    async with sessions() as session:
        kept = await session.scalar(select(Attachment).where(Attachment.bid_id == bid.handle.id))
    assert kept.filename == "budget.csv" and kept.content.startswith(b"item,cost")

    lead = web.as_lead(bid.org("alpha"))
    console = await lead.get(f"/console/bids/{bid.handle.id}")
    download = f"/console/bids/{bid.handle.id}/attachments/{kept.id}"
    assert download in console.text
    got = await lead.get(download)
    assert got.status_code == 200 and got.content == kept.content
    assert "budget.csv" in got.headers["content-disposition"]
    assert (await web.as_lead(bid.org("beta")).get(download)).status_code == 403
    assert (await web.as_partner().get(download)).status_code == 401


async def _versions(sessions, bid_id: str, count: int) -> bool:
    return len(await contributions(sessions, bid_id)) == count


async def test_an_empty_or_oversized_contribution_is_refused_and_nothing_recorded(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "section", secret)
    partner = web.as_partner()

    empty = await partner.post(f"/task/{token}", data={"csrf_token": CSRF, "body": "  "})
    assert empty.status_code == 422
    huge = {"attachment": ("big.pdf", b"x" * (2 * 1024 * 1024 + 1), "application/pdf")}
    big = await partner.post(
        f"/task/{token}", data={"csrf_token": CSRF, "body": "text"}, files=huge
    )
    assert big.status_code == 413 and "at most 2 MB" in big.text

    assert (await bid.state()).sections["summary"].version == 0
    assert await audit_count(sessions, bid.handle.id, "contribution_submitted") == 0
    async with sessions() as session:
        assert (
            await session.scalar(select(Attachment).where(Attachment.bid_id == bid.handle.id))
            is None
        )


async def test_a_section_page_after_its_due_date_says_it_is_late_and_still_takes_it(
    web, time_skipping_env, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "section", secret)
    later = await time_skipping_env.get_current_time() + timedelta(days=11)

    async def eleven_days_on():
        return later

    web.app.state.services.clock = eleven_days_on
    page = await web.as_partner().get(f"/task/{token}")
    assert "The deadline for this passed on" in page.text and "You can still answer" in page.text
    assert 'name="body"' in page.text
