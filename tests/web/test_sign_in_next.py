"""An e-mail that asks a signed-in person to act links to the sign-in page with `next`: a
signed-in viewer goes straight to the action, anyone else signs in and lands on it. Only a
path on this site is followed; anything else is ignored."""

import re
from urllib.parse import urlsplit

import pytest

from tests.helpers import wait_until
from tests.web.sign_in_support import sign_in_link
from tests.web.support import CSRF, to_partner_signup
from web.auth import safe_next

ACTION_URL = re.compile(r"Invite your partners: (\S+)")


async def test_the_invite_partners_email_leads_through_sign_in_to_the_invite_form(web, mailbox):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=())
    address = bid.email("alpha")

    def action_links() -> list[str]:
        return [
            found
            for message in mailbox.to(address)
            for found in ACTION_URL.findall(message.get_body(("plain",)).get_content())
        ]

    await wait_until(action_links)
    link = urlsplit(action_links()[-1])
    target = f"/console/bids/{bid.handle.id}#invite"
    assert link.path == "/sign-in" and link.query == f"next={target.replace('#', '%23')}"

    client = web.as_partner()
    form = await client.get(f"{link.path}?{link.query}")
    assert f'name="next" value="{target}"' in form.text
    await client.post("/sign-in", data={"csrf_token": CSRF, "email": address, "next": target})
    signed_in = await client.get(await sign_in_link(mailbox, address))
    assert signed_in.status_code == 303 and signed_in.headers["location"] == target
    page = await client.get(target.split("#")[0])
    assert 'id="invite"' in page.text and "/invite_partners" in page.text

    # Signed in already: the e-mail's link goes straight there.
    again = await client.get(f"{link.path}?{link.query}")
    assert again.status_code == 303 and again.headers["location"] == target
    # Somewhere else is never followed, signed in or not.
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        refused = await client.get("/sign-in", params={"next": elsewhere})
        assert refused.status_code == 200 and "evil" not in refused.text


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/console/bids/bid-1#invite", True),
        ("/dashboard/bids/bid-1#step-in", True),
        ("https://evil.example/console", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("/console\r\nLocation: x", False),
        ("javascript:alert(1)", False),
        ("console", False),
        ("/sign-in?next=//evil.example", False),
        ("/" + "a" * 600, False),
        ("", False),
    ],
)
def test_only_a_path_on_this_site_is_a_safe_next(value, kept):
    assert (safe_next(value) == value) is kept
