"""An organisation's calendar feed: its section's due date and its bid's deadline, in London
time, at a signed URL a calendar app fetches without signing in; a forged one opens nothing."""

from icalendar import Calendar

from tests.helpers import wait_until
from tests.web.support import to_drafting
from web.calendar_feed import feed_url


async def test_a_partner_subscribes_to_its_deadlines_and_a_forged_address_opens_nothing(web):
    bid = await web.start_bid()
    now = await web.env.get_current_time()
    await to_drafting(bid, now)
    beta = bid.org("beta")

    async def saved() -> bool:  # the read model has the section and the partner
        url = feed_url(web.settings, beta).removeprefix(web.settings.public_url)
        text = (await web.as_partner().get(url)).text
        return "summary" in text and "deadline" in text

    await wait_until(saved)
    url = feed_url(web.settings, beta).removeprefix(web.settings.public_url)
    answer = await web.as_partner().get(url)  # no sign-in: a calendar app fetches it
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    section = events["Write the 'summary' section"]
    assert str(section["UID"]).startswith(f"{bid.handle.id}.section.summary.{beta}@")
    assert str(section.decoded("DTEND").tzinfo) == "Europe/London"
    due = (await bid.state()).sections["summary"].due
    assert section.decoded("DTEND") == due.replace(microsecond=0)  # iCalendar: whole seconds
    assert "The funder's deadline" in events

    forged = url.replace(".ics", "x.ics")
    assert (await web.as_partner().get(forged)).status_code == 404
    page = await web.as_lead(beta).get("/calendar")
    assert page.status_code == 200 and url in page.text
