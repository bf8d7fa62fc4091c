"""After the funder moves the deadline, every page that shows it shows the new date: the
coordinator's bid page, the lead's console and a partner's task page all read the bid's
`state.deadlines`, as the list and the API do."""

import re
from datetime import date, datetime, timedelta

from tests.web.support import CSRF, Web, to_partner_signup, token_of_kind
from tests.workflows.bid_support import Bid


def day(moment: date | datetime) -> str:
    return f"{moment:%d %b %Y}"  # as the pages write a date (web.templating)


async def moved_deadline(web: Web) -> tuple[Bid, datetime, date]:
    """A bid at partner sign-up (beta and gamma invited) whose deadline the coordinator moved
    30 days on from the dashboard: the bid, the old deadline and the new day."""
    bid = await web.start_bid(deadline_days=60)
    await to_partner_signup(bid)
    old = (await bid.state()).deadlines.submission
    new = (old + timedelta(days=30)).date()
    move = {"csrf_token": CSRF, "nonce": "m1", "submission_deadline": new.isoformat()}
    url = f"/console/bids/{bid.handle.id}/move_deadline"
    assert (await web.as_coordinator().post(url, data=move)).status_code == 303
    assert (await bid.state()).deadlines.submission.date() == new
    return bid, old, new


async def test_a_moved_deadline_shows_on_the_dashboard_the_console_and_a_task_page(web, mailbox):
    bid, old, new = await moved_deadline(web)
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "invitation", secret)
    pages = {
        "dashboard": await web.as_coordinator().get(f"/dashboard/bids/{bid.handle.id}"),
        "console": await web.as_lead(bid.org("alpha")).get(f"/console/bids/{bid.handle.id}"),
        "task": await web.as_partner().get(f"/task/{token}"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert day(new) in page.text, name
        # The audit list's "deadline moved" entry names the old date, as it should.
        shown = re.sub(r'<table id="timeline">.*?</table>', "", page.text, flags=re.S)
        assert day(old) not in shown, name
    for name in ("dashboard", "console"):
        assert f"submission deadline {day(new)}" in pages[name].text, name
    # The console's open opportunities: this one's deadline is its bid's now.
    home = (await web.as_lead(bid.org("alpha")).get("/console")).text
    [offered] = re.findall(rf"<li><strong>{re.escape(bid.notice.title)}</strong>[^<]*", home)
    assert offered.endswith(f"deadline {day(new)}\n"), offered
    # The list agrees (it did before): the bid's row has the new deadline.
    listed = (await web.as_coordinator().get("/api/bids", params={"limit": 200})).json()
    [row] = [b for b in listed if b["id"] == bid.handle.id]
    assert row["deadline"].startswith(new.isoformat())
