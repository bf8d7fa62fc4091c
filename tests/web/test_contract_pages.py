"""The lead's contract page: a return reviewed, the funder's payment recorded and split to the
penny, a partner recorded as paid, the combined return downloaded as CSV; the coordinator's
dashboard shows returns due and what is owed; no one else sees the contract."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

from temporalio.service import RPCError

from activities.task_links import verify_task_link
from models import contract_answers as c
from models.tables import Organisation
from tests.helpers import wait_until
from tests.web.support import CSRF, task_tokens, token_of_kind
from tests.workflows.contract_support import send, skip, start_contract, until


async def test_the_lead_reviews_records_payments_and_downloads_the_combined_return(web, mailbox):
    env = web.env
    handle = await start_contract(env, web.task_queue, partners=2)
    lead, one, two = (
        handle.id.replace("contract-bid-", p) for p in ("lead-", "partner1-", "partner2-")
    )
    async with web.sessions() as session, session.begin():  # members, so they may sign in
        session.add_all(Organisation(id=o, name=o, status="full") for o in (lead, one))
    try:
        # The subcontract, read and signed from its e-mail link.
        secret = web.settings.secret_key.get_secret_value()
        signing = await token_of_kind(mailbox, f"{one}@example.org", "subcontract", secret)
        page = await web.as_partner().get(f"/task/{signing}")
        assert "# Subcontract — version 1" in page.text and "Partner 1 Trust" in page.text
        digest = page.text.split('name="version_hash" value="')[1].split('"')[0]
        signed = {"csrf_token": CSRF, "nonce": "s1", "version_hash": digest}
        signed |= {"signer_name": "Ann Lee", "signer_role": "Chair"}
        assert (await web.as_partner().post(f"/task/{signing}", data=signed)).status_code == 303
        await until(handle, lambda s: s.subcontracts[one].signed_by == "Ann Lee (Chair)")

        await skip(env, handle, timedelta(hours=2))
        await until(handle, lambda s: len(s.returns) == 2)
        for org, n in ((one, 25), (two, 31)):
            payload = c.ReturnInput(
                actor=org, period=1, outputs={"sessions run": n}, spend="100.00"
            )
            await send(handle, "submit_return", payload)

        coordinator = web.as_coordinator()
        dashboard = await coordinator.get("/dashboard")
        assert f'data-contract="{handle.id}"' in dashboard.text

        page_of = f"/contracts/{handle.id}"
        client = web.as_lead(lead)
        assert "Partner 1 Trust" in (await client.get(page_of)).text

        # Partner 1's return accepted from the lead's e-mail link; partner 2's on the page.
        def review_of_one() -> list[str]:
            tokens = task_tokens(mailbox, f"{lead}@example.org")
            return [t for t in tokens if verify_task_link(t, secret).key == f"1:{one}"]

        await wait_until(review_of_one)
        reviewing = review_of_one()[0]
        page = await web.as_partner().get(f"/task/{reviewing}")
        assert "Review a partner&#39;s return" in page.text and "sessions run: 25" in page.text
        accepted = {"csrf_token": CSRF, "nonce": "v1", "accept": "yes"}
        assert (await web.as_partner().post(f"/task/{reviewing}", data=accepted)).status_code == 303
        await until(handle, lambda s: s.returns[f"1:{one}"].status == "accepted")
        client = web.as_lead(lead)
        for org in (two,):
            review = {
                "csrf_token": CSRF,
                "nonce": f"r-{org}",
                "period": "1",
                "organisation_id": org,
                "accept": "yes",
            }
            assert (await client.post(f"{page_of}/review_return", data=review)).status_code == 303
        paid = {
            "csrf_token": CSRF,
            "nonce": "p1",
            "amount": "1000.00",
            "received_on": "2027-01-05",
            "reference": "BLF-1",
        }
        assert (await client.post(f"{page_of}/record_funder_payment", data=paid)).status_code == 303
        # £1,000.00: a £100.00 top-slice; £900.00 in three shares of £300.00.
        state = await until(handle, lambda s: len(s.payments) == 1)
        assert state.payments[0].split.shares == {lead: 30000, one: 30000, two: 30000}
        sent = {
            "csrf_token": CSRF,
            "nonce": "p2",
            "payment": "1",
            "organisation_id": one,
            "paid_on": "2027-01-20",
        }
        assert (
            await client.post(f"{page_of}/record_partner_payment", data=sent)
        ).status_code == 303
        await until(handle, lambda s: one in s.payments[0].paid)

        async def combined() -> bool:
            return (await client.get(f"{page_of}/documents/return:1?csv=1")).status_code == 200

        await wait_until(combined)
        csv = (await client.get(f"{page_of}/documents/return:1?csv=1")).text
        assert (
            csv.splitlines()[0] == "organisation_id,name,sessions run,spend,outcomes,case_studies"
        )
        assert f"{two},Partner 2 Trust,31,100.00" in csv
        page = (await client.get(page_of)).text
        assert "£300.00" in page and "paid on 2027-01-20" in page
        # What each partner is owed, on its own task page (no account).
        for org, words in ((one, "paid on 2027-01-20"), (two, "owed to you by the lead")):
            token = await token_of_kind(mailbox, f"{org}@example.org", "quarterly_return", secret)
            mine = (await web.as_partner().get(f"/task/{token}")).text
            assert "your share is <strong>£300.00</strong>" in mine and words in mine
        client = web.as_lead(lead)  # one HTTP client: signed in again

        targets = {"csrf_token": CSRF, "nonce": "t1", "organisation_id": two, "reason": "Agreed"}
        targets["targets"] = "sessions run = 15\r\nyoung people supported = 40"
        assert (await client.post(f"{page_of}/change_targets", data=targets)).status_code == 303
        wanted = {"sessions run": 15, "young people supported": 40}
        await until(handle, lambda s: s.parties[two].targets == wanted)
        bad = {
            "csrf_token": CSRF,
            "nonce": "p3",
            "amount": "-5",
            "received_on": "2027-01-05",
            "reference": "x",
        }
        assert (await client.post(f"{page_of}/record_funder_payment", data=bad)).status_code == 422
        # Partner 2 never signed: overdue, and the lead gives it more time on the page.
        await skip(env, handle, timedelta(days=15))
        await until(handle, lambda s: s.schedule[f"subcontract:{two}"].overdue)
        assert (
            "Sign your subcontract (version 1) (Partner 2 Trust)"
            in (await client.get(page_of)).text
        )
        more = {
            "csrf_token": CSRF,
            "nonce": "x1",
            "task": f"subcontract:{two}",
            "until": "2099-01-31",
        }
        assert (await client.post(f"{page_of}/extend_task", data=more)).status_code == 303
        await until(handle, lambda s: not s.schedule[f"subcontract:{two}"].overdue)
        # Partner 2 leaves with no replacement: partner 1 takes its share and outputs.
        leaves = {"csrf_token": CSRF, "nonce": "l1", "leaving": two, "reason": "Closing down"}
        leaves |= {
            "replacement_organisation_id": "",
            "replacement_name": "",
            "replacement_email": "",
        }
        assert (
            await web.as_lead(lead).post(f"{page_of}/replace_partner", data=leaves)
        ).status_code == 303
        state = await until(handle, lambda s: s.parties[two].status == "left" and s.version == 2)
        assert state.parties[one].share == Decimal(60)
        assert state.parties[one].targets == {"sessions run": 27, "young people supported": 70}
        longer = {"csrf_token": CSRF, "nonce": "e1", "periods": "2", "reason": "Funder extended"}
        assert (
            await web.as_lead(lead).post(f"{page_of}/extend_term", data=longer)
        ).status_code == 303
        await until(handle, lambda s: s.term_periods == 6)
        assert (await web.as_lead(one).get(page_of)).status_code == 404  # a partner is not the lead
        assert (await web.as_partner().get(page_of)).status_code == 401
    finally:
        with suppress(RPCError):
            await handle.terminate("the test is over")
