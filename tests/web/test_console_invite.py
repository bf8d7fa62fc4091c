"""The lead invites from the whole directory, as its e-mail says it may: it searches the
directory on its console, invites a member the notice never went to, and the invitee gets
the invitation and accepts it from its link."""

import uuid

from tests.web.support import CSRF, to_partner_signup, token_of_kind
from tests.workflows.bid_support import add_members


async def test_the_lead_finds_a_member_off_the_circulation_list_and_invites_it(web, mailbox):
    bid = await web.start_bid()
    await to_partner_signup(bid, invite=())
    tag = uuid.uuid4().hex[:8]
    theme = f"elsewhere-{tag}"  # a theme the notice does not name: never circulated
    others = await add_members(
        web.sessions, tag, theme, {"epsilon": {}, "zeta": {"status": "suspended"}}
    )
    assert others["epsilon"] not in (await bid.state()).members

    url = f"/console/bids/{bid.handle.id}"
    lead = web.as_lead(bid.org("alpha"))
    page = (await lead.get(url)).text
    assert "Search the directory" in page and others["epsilon"] not in page
    found = (await lead.get(url, params={"theme": theme})).text
    assert f'value="{others["epsilon"]}"' in found and "Epsilon Trust" in found
    assert others["zeta"] not in found  # suspended: not a member who may join a bid
    by_name = (await lead.get(url, params={"name": "epsilon", "theme": theme})).text
    assert f'value="{others["epsilon"]}"' in by_name

    invite = {"csrf_token": CSRF, "nonce": "i1", "organisation_id": others["epsilon"]}
    assert (await lead.post(f"{url}/invite_partners", data=invite)).status_code == 303
    state = await bid.state()
    assert state.partners[others["epsilon"]].status == "invited"
    secret = web.settings.secret_key.get_secret_value()
    address = f"{others['epsilon']}@example.org"
    token = await token_of_kind(mailbox, address, "invitation", secret)
    [letter] = [m for m in mailbox.to(address) if "Join the consortium" in str(m["Subject"])]
    assert "Alpha Trust" in str(letter["Subject"])
    accept = {"csrf_token": CSRF, "nonce": "a1", "accept": "yes"}
    assert (await web.as_partner().post(f"/task/{token}", data=accept)).status_code == 303
    assert (await bid.state()).partners[others["epsilon"]].status == "accepted"

    lead = web.as_lead(bid.org("alpha"))
    suspended = {"csrf_token": CSRF, "nonce": "i2", "organisation_id": others["zeta"]}
    refused = await lead.post(f"{url}/invite_partners", data=suspended)
    assert refused.status_code == 409
    assert f"{others['zeta']} is not an active member of the directory." in refused.text
    assert others["zeta"] not in (await bid.state()).partners
