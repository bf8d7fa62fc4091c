"""The lead's console: sections assigned with a due date, a partner removed, bad input
refused with a clear 422 and nothing recorded."""

from datetime import timedelta

from models import bid_answers as a
from tests.web.support import CSRF, audit_count, to_partner_signup


async def test_the_lead_assigns_a_section_and_removes_a_partner_from_the_console(
    web, time_skipping_env
):
    bid = await web.start_bid(sections=("summary",))
    await to_partner_signup(bid)
    for name in ("beta", "gamma"):
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org(name), accept=True)
        )
    await bid.reach("drafting")
    lead = web.as_lead(bid.org("alpha"))
    url = f"/console/bids/{bid.handle.id}"
    page = await lead.get(url)
    assert 'name="due"' in page.text and "Gamma Trust" in page.text

    form = {"csrf_token": CSRF, "nonce": "a1", "section": "summary"}
    bad_date = {**form, "organisation_id": bid.org("beta"), "due": "31/02/2027"}
    refused = await lead.post(f"{url}/assign_sections", data=bad_date)
    assert refused.status_code == 422 and "Please check your answer" in refused.text
    assert (await bid.state()).sections["summary"].status == "unassigned"

    day = (await time_skipping_env.get_current_time() + timedelta(days=10)).date().isoformat()
    late = {**form, "organisation_id": bid.org("beta"), "due": "2099-01-15"}
    after_deadline = await lead.post(f"{url}/assign_sections", data=late)
    assert after_deadline.status_code == 409 and "due date between now and the deadline" in (
        after_deadline.text
    )
    good = {**late, "due": day}
    assert (await lead.post(f"{url}/assign_sections", data=good)).status_code == 303
    section = (await bid.state()).sections["summary"]
    assert section.assigned_to == bid.org("beta")
    assert section.due.isoformat().startswith(f"{day}T17:00")

    removal = {"csrf_token": CSRF, "nonce": "r1", "organisation_id": bid.org("gamma"),
               "reason": "Cannot deliver in Easington"}  # fmt: skip
    assert (await lead.post(f"{url}/remove_partner", data=removal)).status_code == 303
    assert (await bid.state()).partners[bid.org("gamma")].status == "removed"
    twice = await lead.post(f"{url}/remove_partner", data={**removal, "nonce": "r2"})
    assert twice.status_code == 409
    assert await audit_count(web.sessions, bid.handle.id, "partner_removed") == 1
    unknown = await lead.post(f"{url}/make_coffee", data={"csrf_token": CSRF})
    assert unknown.status_code == 404
