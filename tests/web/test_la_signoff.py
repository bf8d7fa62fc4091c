"""The local authority's task page: it reads the bid it signs off (each section's approved
text, and who wrote it), and returns only the sections it ticks, each with its own comment,
which reaches that section's writer by e-mail; or it approves the bid."""

from html import escape

from models.bid import LOCAL_AUTHORITY
from tests.helpers import wait_until
from tests.web.closing_support import SHORT_COMMENTS, TEXTS, to_la_signoff
from tests.web.support import CSRF, audit_count, token_of_kind

WRITERS = {"summary": "beta", "delivery": "gamma", "budget": "alpha"}
SUMMARY_NOTE = "Say how many of the 400 young people live in Peterlee."
DELIVERY_NOTE = "Name the three schools and when the sessions start."


def _flat(text: str) -> str:
    return " ".join(text.split())


def _section_mails(mailbox, address: str, key: str) -> list[str]:
    """The bodies of the e-mails asking `address` to write section `key`, oldest first."""
    return [
        _flat(m.get_body(("plain",)).get_content())
        for m in mailbox.to(address)
        if f"Write the '{key}' section" in str(m["Subject"])
    ]


async def _at_signoff(web, time_skipping_env, mailbox):
    bid = await web.start_bid(sections=tuple(WRITERS), timetable=SHORT_COMMENTS)
    secret = web.settings.secret_key.get_secret_value()
    now = await time_skipping_env.get_current_time()
    await to_la_signoff(bid, mailbox, secret, now, WRITERS)
    token = await token_of_kind(mailbox, bid.local_authority, "la_signoff", secret)
    return bid, token


async def test_the_local_authority_returns_only_the_sections_it_picks_each_with_its_comment(
    web, time_skipping_env, sessions, mailbox
):
    bid, token = await _at_signoff(web, time_skipping_env, mailbox)
    la = web.as_partner()

    page = (await la.get(f"/task/{token}")).text
    assert "Please sign off this bid" in page
    for key, writer in WRITERS.items():  # the text it signs off, not only the sections' names
        assert escape(TEXTS[key], quote=False) in page, key
        assert f"{writer.capitalize()} Trust" in page
        assert f'name="return:{key}"' in page and f'name="comment:{key}"' in page
    asked = {key: len(_section_mails(mailbox, bid.email(w), key)) for key, w in WRITERS.items()}

    form = {
        "csrf_token": CSRF,
        "nonce": "la-return",
        "approve": "no",
        "return:summary": "yes",
        "comment:summary": SUMMARY_NOTE,
        "return:delivery": "yes",
        "comment:delivery": DELIVERY_NOTE,
        "comment:budget": "",
        "comments": "",
    }
    response = await la.post(f"/task/{token}", data=form)
    assert response.status_code == 303, response.text

    state = await bid.reach("drafting")
    assert {k: s.status for k, s in state.sections.items()} == {
        "summary": "returned",
        "delivery": "returned",
        "budget": "approved",
    }
    assert state.sections["budget"].body == TEXTS["budget"]
    [returned] = [e for e in state.timeline if e.action == "la_returned"]
    assert returned.actor == LOCAL_AUTHORITY
    assert returned.detail["returns"] == {"summary": SUMMARY_NOTE, "delivery": DELIVERY_NOTE}
    await wait_until(lambda: audit_count(sessions, bid.handle.id, "la_returned"))

    # Each writer hears of its own section, with its own comment, and only that.
    for key, note, other in (
        ("summary", SUMMARY_NOTE, DELIVERY_NOTE),
        ("delivery", DELIVERY_NOTE, SUMMARY_NOTE),
    ):
        address = bid.email(WRITERS[key])
        await wait_until(lambda a=address, k=key: len(_section_mails(mailbox, a, k)) > asked[k])
        latest = _section_mails(mailbox, address, key)[-1]
        assert f"The local authority's comments: {note}" in latest
        assert other not in latest
    assert len(_section_mails(mailbox, bid.email("alpha"), "budget")) == asked["budget"]

    # Its link now shows what it decided, section by section, and asks nothing more.
    after = (await la.get(f"/task/{token}")).text
    assert "Returned for redrafting" in after
    assert escape(SUMMARY_NOTE, quote=False) in after
    assert escape(DELIVERY_NOTE, quote=False) in after
    assert 'name="return:summary"' not in after


async def test_a_section_ticked_without_a_comment_or_an_approval_with_one_records_nothing(
    web, time_skipping_env, sessions, mailbox
):
    bid, token = await _at_signoff(web, time_skipping_env, mailbox)
    la = web.as_partner()
    base = {"csrf_token": CSRF, "nonce": "la-1", "comment:summary": "", "comments": ""}

    ticked = {**base, "approve": "no", "return:summary": "yes"}
    refused = await la.post(f"/task/{token}", data=ticked)
    assert refused.status_code == 422
    assert "what must change in" in refused.text and "summary" in refused.text

    both = {**base, "nonce": "la-2", "approve": "yes", "comment:delivery": DELIVERY_NOTE}
    refused = await la.post(f"/task/{token}", data=both)
    assert refused.status_code == 409 and "not both" in refused.text

    state = await bid.state()
    assert state.stage == "la_signoff" and state.la_returns == 0
    assert not [e for e in state.timeline if e.action in ("la_returned", "la_approved")]

    approve = {**base, "nonce": "la-3", "approve": "yes"}
    assert (await la.post(f"/task/{token}", data=approve)).status_code == 303
    await bid.reach("submission")
    assert "Signed off" in (await la.get(f"/task/{token}")).text
