"""The links of the last tasks, once answered: the lead's submission link shows the
reference it recorded, and the coordinator's outcome link the funder's decision, read-only."""

from models.bid import COORDINATOR
from tests.web.closing_support import SHORT_COMMENTS, to_award
from tests.web.support import CSRF, token_of_kind


async def test_the_submission_and_outcome_links_show_what_was_recorded(
    web, time_skipping_env, mailbox
):
    bid = await web.start_bid(la_signoff=False, timetable=SHORT_COMMENTS)
    secret = web.settings.secret_key.get_secret_value()
    await to_award(bid, mailbox, secret, await time_skipping_env.get_current_time())
    client = web.as_partner()

    submission = await token_of_kind(mailbox, bid.email("alpha"), "submission", secret)
    page = await client.get(f"/task/{submission}")
    assert page.status_code == 200, page.text
    assert "Reference" in page.text and "BLF-2027-7" in page.text
    assert 'name="reference"' not in page.text  # recorded: nothing to send again

    outcome = await token_of_kind(mailbox, bid.coordinator, "outcome", secret)
    form = {
        "csrf_token": CSRF,
        "nonce": "o1",
        "awarded": "yes",
        "value": "95000",
        "start_date": "2027-04-01",
        "feedback": "Strong local evidence.",
    }
    assert (await client.post(f"/task/{outcome}", data=form)).status_code == 303
    state = await bid.reach("awarded")
    assert state.outcome is not None and state.outcome.value == 95000
    page = await client.get(f"/task/{outcome}")
    assert page.status_code == 200, page.text
    for shown in ("Awarded", "95000", "2027-04-01", "Strong local evidence."):
        assert shown in page.text, shown
    assert [e.actor for e in state.timeline if e.action == "outcome_recorded"] == [COORDINATOR]
