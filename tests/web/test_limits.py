"""Input out of bounds through the pages and the JSON API: a plain 422 that names the field and
its limit, before anything reaches the bid, and the bid still takes a good answer after."""

from datetime import timedelta

from tests.web.closing_support import SHORT_COMMENTS, to_agreement_signed
from tests.web.support import CSRF, audit_count, to_drafting, token_for, token_of_kind

FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_a_900_kb_note_on_an_expression_of_interest_is_refused_with_422(web, mailbox):
    bid = await web.start_bid()
    token = await token_for(mailbox, bid.email("beta"))
    partner = web.as_partner()
    note = "I would like to say " + "x" * 900_000

    page = await partner.post(
        f"/task/{token}", data={"csrf_token": CSRF, "answer": "partner", "note": note}
    )
    api = await partner.post(f"/api/tasks/{token}", json={"answer": "partner", "note": note})

    assert page.status_code == 422
    assert "note: String should have at most 2000 characters" in page.text
    assert api.status_code == 422
    assert api.json()["detail"] == "note: String should have at most 2000 characters"
    assert bid.org("beta") not in (await bid.state()).interests
    answer = {"csrf_token": CSRF, "nonce": "n1", "answer": "partner", "note": "Count us in."}
    assert (await partner.post(f"/task/{token}", data=answer)).status_code == 303
    assert (await bid.state()).interests[bid.org("beta")].note == "Count us in."


async def test_a_nul_in_a_section_body_is_refused_with_422(web, time_skipping_env, mailbox):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "section", secret)
    partner = web.as_partner()
    body = f"csrf_token={CSRF}&nonce=v1&body=Our%20summary%00".encode()

    response = await partner.post(f"/task/{token}", content=body, headers=FORM)

    assert response.status_code == 422
    assert "body: must not contain the control character U+0000" in response.text
    assert (await bid.state()).sections["summary"].status == "assigned"
    assert await audit_count(web.sessions, bid.handle.id, "contribution_submitted") == 0


async def test_a_time_without_a_zone_is_refused_with_422_in_plain_words(web, time_skipping_env):
    bid = await web.start_bid()
    now = await time_skipping_env.get_current_time()
    await to_drafting(bid, now)
    due = (now + timedelta(days=5)).replace(tzinfo=None).isoformat()
    body = {
        "assignments": [{"section": "summary", "organisation_id": bid.org("gamma"), "due": due}]
    }
    lead = web.as_lead(bid.org("alpha"))
    url = f"/api/bids/{bid.handle.id}/actions/assign_sections"

    response = await lead.post(url, json=body, headers={"X-CSRF-Token": CSRF})

    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["assignments", 0, "due"]
    assert problem["msg"] == "give the time with a time zone, e.g. 2027-03-01T17:00:00+00:00"
    assert (await bid.state()).sections["summary"].assigned_to == bid.org("beta")


async def submission_stage(web, time_skipping_env, mailbox):
    bid = await web.start_bid(timetable=SHORT_COMMENTS, la_signoff=False)
    secret = web.settings.secret_key.get_secret_value()
    await to_agreement_signed(bid, mailbox, secret, await time_skipping_env.get_current_time())
    await bid.reach("submission")
    return bid


async def test_a_submission_dated_1999_is_refused_with_422(web, time_skipping_env, mailbox):
    bid = await submission_stage(web, time_skipping_env, mailbox)
    lead = web.as_lead(bid.org("alpha"))
    url = f"/api/bids/{bid.handle.id}/actions/record_submission"
    headers = {"X-CSRF-Token": CSRF}

    dated_1999 = {"reference": "BLF-1999-001", "submitted_at": "1999-05-01T12:00:00+00:00"}
    response = await lead.post(url, json=dated_1999, headers=headers)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"] == "must be between the years 2000 and 2100"
    assert (await bid.state()).submission is None
    done = await lead.post(url, json={"reference": "BLF-2027-001"}, headers=headers)
    assert done.status_code == 200, done.text
    await bid.reach("award")


async def test_an_award_of_1e999999999_or_minus_5000_is_refused_with_422(
    web, time_skipping_env, mailbox
):
    bid = await submission_stage(web, time_skipping_env, mailbox)
    lead = web.as_lead(bid.org("alpha"))
    url = f"/console/bids/{bid.handle.id}"
    submitted = {"csrf_token": CSRF, "nonce": "s1", "reference": "BLF-2027-001"}
    assert (await lead.post(f"{url}/record_submission", data=submitted)).status_code == 303
    await bid.reach("award")
    award = {"csrf_token": CSRF, "awarded": "yes", "start_date": "2027-04-01"}

    for value, said in (
        ("1E+999999999", "value: Input should be less than or equal to 999999999999.99"),
        ("-5000", "value: Input should be greater than or equal to 0"),
    ):
        refused = await lead.post(f"{url}/record_outcome", data={**award, "value": value})
        assert refused.status_code == 422, value
        assert said in refused.text
    api = await lead.post(
        f"/api/bids/{bid.handle.id}/actions/record_outcome",
        json={"awarded": True, "value": "1E+999999999", "start_date": "2027-04-01"},
        headers={"X-CSRF-Token": CSRF},
    )
    assert api.status_code == 422
    assert (await bid.state()).outcome is None

    won = {**award, "nonce": "o1", "value": "95000.00"}
    assert (await lead.post(f"{url}/record_outcome", data=won)).status_code == 303
    assert (await bid.reach("awarded")).outcome.awarded is True
