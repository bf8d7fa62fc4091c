"""The consortium agreement: comments kept against their version, an unsigned agreement
escalated, and a removed partner making a new version that everyone signs again."""

import pytest
from temporalio.client import WorkflowUpdateFailedError

from models import bid_answers as a
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS, sign_all, to_agreement
from tests.workflows.bid_support import bid_worker, days, keep_history, start_bid, subjects


async def test_an_unsigned_agreement_is_escalated_and_removing_the_partner_makes_a_new_version(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        # One partner is enough for this notice: removing gamma leaves a consortium that may
        # sign (a consortium left below its minimum waits instead: test_bid_drafting).
        bid = await start_bid(env, sessions, task_queue, MEMBERS, min_partners=1)
        await to_agreement(bid, env)
        h = bid.handle
        first = (await bid.state()).agreement
        await h.execute_update(
            "comment_on_agreement",
            a.AgreementCommentInput(actor=bid.org("beta"), version=1, text="Clause 9: 90 days?"),
        )
        await sign_all(bid, env, names=("alpha", "beta"))  # gamma never signs
        await wait_until(
            lambda: any(
                "Sign the consortium agreement" in s for s in subjects(mailbox, bid.email("gamma"))
            )
        )
        await env.sleep(days(5.5))

        async def escalated() -> bool:
            state = await bid.state()
            return state.escalation is not None and state.escalation.stage == "agreement"

        await wait_until(escalated)
        state = await bid.state()
        assert "Gamma Trust" in state.escalation.reason
        reminders = [s for s in subjects(mailbox, bid.email("gamma")) if s.startswith("Reminder")]
        assert reminders  # chased before the cut-off
        await h.execute_update(
            "remove_partner",
            a.RemovePartner(
                actor=bid.org("alpha"), organisation_id=bid.org("gamma"), reason="Did not sign"
            ),
        )

        async def second_version() -> bool:
            agreement = (await bid.state()).agreement
            return agreement is not None and agreement.version == 2

        await wait_until(second_version)
        second = (await bid.state()).agreement
        assert second.parties == [bid.org("alpha"), bid.org("beta")]
        assert second.version_hash != first.version_hash and "Gamma Trust" not in second.text
        await env.sleep(days(3))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await h.execute_update(
                "sign_agreement",
                a.SignatureInput(
                    actor=bid.org("beta"),
                    version_hash=first.version_hash,
                    signer_name="Beta chair",
                    signer_role="Chair",
                ),
            )
        assert "please read and sign version 2" in str(refused.value.cause)
        await sign_all(bid, env, names=("alpha", "beta"))
        state = await bid.reach("la_signoff")
        await keep_history(env, h.id, "bid_agreement_partner_removed")
    assert [c.version for c in state.agreement.comments] == [1]
    assert state.agreement.comments[0].text == "Clause 9: 90 days?"
    assert set(state.agreement.signatures) == {bid.org("alpha"), bid.org("beta")}
    assert {s.version for s in state.agreement.signatures.values()} == {2}
    assert state.partners[bid.org("gamma")].status == "removed"
