"""After the award: a contract runs a year of quarterly returns, payments and a replaced
partner to close-out, on the time-skipping server; e-mails, documents and rows as people see
them."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models import contract_answers as c
from models.bid_answers import TaskExtension
from models.contract import ContractOutcome, split_payment
from models.tables import AuditEntry, Contract, ContractDocument, ContractPayment, ContractReturn
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS
from tests.workflows.bid_support import bid_worker, start_bid, subjects
from tests.workflows.contract_support import (
    QUERY_TIMEOUT,
    award,
    keep_run,
    review,
    send,
    send_return,
    sign_all,
    skip,
    to_period_end,
    until,
)
from workflows import search_attributes as sa

TARGET = "young people supported"


def test_the_top_slice_is_taken_to_the_penny_and_the_remainder_goes_to_the_lead():
    shares = {"lead": Decimal("30"), "b": Decimal("30"), "c": Decimal("30")}
    split = split_payment(1_000_001, Decimal("10"), shares, "lead")
    # 10% of £10,000.01 is £1,000.001: half up to the penny, £1,000.00. The £9,000.01 left
    # is £3,000.003 each: each rounded down, and the lead keeps the one penny left over.
    assert split.top_slice_pence == 100_000
    assert split.shares == {"lead": 300_001, "b": 300_000, "c": 300_000}
    assert split.remainder_pence == 1
    assert split.top_slice_pence + sum(split.shares.values()) == 1_000_001


async def test_an_awarded_bid_delivers_four_quarters_and_closes(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env = time_skipping_env
    async with bid_worker(env, settings, sessions, task_queue):
        bid = await start_bid(env, sessions, task_queue, MEMBERS)
        handle = await award(bid, env)
        alpha, beta, gamma, delta = (bid.org(n) for n in ("alpha", "beta", "gamma", "delta"))

        # The award started the contract: findable by its bid, subcontracts out to sign.
        state = await until(handle, lambda s: len(s.subcontracts) == 2)
        described = await handle.describe()
        assert described.typed_search_attributes.get(sa.CONTRACT_BID) == bid.handle.id
        assert described.typed_search_attributes.get(sa.CONTRACT_STAGE) == "delivery"
        assert [p.share for p in state.parties.values()] == [Decimal("30.00")] * 3
        await wait_until(
            lambda: any("Sign your subcontract" in s for s in subjects(mailbox, bid.email("beta")))
        )
        await sign_all(handle, bid, ("beta", "gamma"))
        for name in ("beta", "gamma"):
            await send(
                handle,
                "change_targets",
                c.TargetChange(
                    actor=alpha,
                    organisation_id=bid.org(name),
                    targets={TARGET: 30},
                    reason="Agreed at kick-off",
                ),
            )
        first_run = described.run_id
        # The Temporal UI's line for it: counts and sums, no names.
        metadata = await handle.query("__temporal_workflow_metadata", rpc_timeout=QUERY_TIMEOUT)
        assert metadata.current_details.startswith("Period 1 of 4: returns not yet due")

        # Quarter 1: gamma's return is sent back with a comment, then accepted.
        await to_period_end(env, handle, 1)
        await send_return(handle, bid, "beta", 1, 31)
        await send_return(handle, bid, "gamma", 1, 12)
        await review(handle, bid, "beta", 1)
        await review(handle, bid, "gamma", 1, accept=False, note="Twelve is far below 30: why?")
        await wait_until(
            lambda: any(
                "Twelve is far below 30" in m.get_body(("plain",)).get_content()
                for m in mailbox.to(bid.email("gamma"))
            )
        )
        await send_return(handle, bid, "gamma", 1, 28)
        await review(handle, bid, "gamma", 1)
        state = await until(handle, lambda s: s.period == 2)
        assert 1 in state.combined
        assert state.returns[f"1:{gamma}"].archived and not state.returns[f"1:{gamma}"].outcomes

        # The funder pays: the top-slice to the penny, each share, what is owed.
        await send(
            handle,
            "record_funder_payment",
            c.FunderPayment(
                actor=alpha,
                amount=Decimal("10000.01"),
                received_on=(await env.get_current_time()).date(),
                reference="BLF-Q1",
            ),
        )
        await send(
            handle,
            "record_partner_payment",
            c.PartnerPaid(
                actor=alpha,
                payment=1,
                organisation_id=beta,
                paid_on=(await env.get_current_time()).date(),
            ),
        )

        # Quarter 2: beta is late; the lead hears, gives it more time, and it comes.
        state = await to_period_end(env, handle, 2)
        await send_return(handle, bid, "gamma", 2, 30)
        due = state.returns[f"2:{beta}"].due
        await skip(env, handle, due - await env.get_current_time() + timedelta(hours=1))
        state = await until(handle, lambda s: s.returns[f"2:{beta}"].late)
        assert state.schedule[f"return:2:{beta}"].overdue
        await wait_until(
            lambda: any(
                "Beta Trust has not answered in time" in s
                for s in subjects(mailbox, bid.email("alpha"))
            )
        )
        await send(
            handle,
            "extend_task",
            TaskExtension(actor=alpha, task=f"return:2:{beta}", until=due + timedelta(days=7)),
        )
        await send_return(handle, bid, "beta", 2, 29)
        await review(handle, bid, "beta", 2)
        await review(handle, bid, "gamma", 2)

        # Quarter 3: gamma leaves; delta takes over its outputs and share; new subcontracts.
        await until(handle, lambda s: s.period == 3)
        await send(
            handle,
            "replace_partner",
            c.Replacement(
                actor=alpha,
                leaving=gamma,
                reason="Gamma Trust is closing its youth service.",
                replacement=c.NewParty(
                    organisation_id=delta, name="Delta Trust", email=bid.email("delta")
                ),
            ),
        )
        state = await until(handle, lambda s: s.version == 2 and delta in s.subcontracts)
        assert state.parties[gamma].status == "left"
        assert state.parties[delta].share == Decimal("30.00")
        assert state.parties[delta].targets == {TARGET: 30}
        await sign_all(handle, bid, ("beta", "delta"))
        await to_period_end(env, handle, 3)
        assert sorted(
            r.organisation_id
            for r in (await until(handle, lambda s: True)).returns.values()
            if r.period == 3
        ) == sorted([beta, delta])
        for name in ("beta", "delta"):
            await send_return(handle, bid, name, 3, 30)
            await review(handle, bid, name, 3)
        await until(handle, lambda s: s.period == 4)
        await send(
            handle,
            "record_funder_payment",
            c.FunderPayment(
                actor=alpha,
                amount=Decimal("7777.78"),
                received_on=(await env.get_current_time()).date(),
                reference="BLF-Q3",
            ),
        )

        # Quarter 4, then close-out.
        await to_period_end(env, handle, 4)
        for name in ("beta", "delta"):
            await send_return(handle, bid, name, 4, 30)
            await review(handle, bid, name, 4)
        outcome = ContractOutcome.model_validate(await handle.result())
        history = await handle.fetch_history()
        await keep_run(env, handle.id, first_run, "contract_first_period")
        await keep_run(env, handle.id, None, "contract_close_out")

    assert outcome.stage == "closed"
    assert outcome.value_delivered_pence == 1_000_001 + 777_778
    # A period a run: the last run's history holds one quarter's events.
    assert (await handle.describe()).run_id != first_run
    assert len(history.events) < 300
    async with sessions() as session:
        row = await session.get(Contract, handle.id)
        payments = (
            await session.scalars(
                select(ContractPayment)
                .where(ContractPayment.contract_id == handle.id)
                .order_by(ContractPayment.number)
            )
        ).all()
        returns = (
            await session.scalars(
                select(ContractReturn).where(ContractReturn.contract_id == handle.id)
            )
        ).all()
        documents = {
            d.name: d
            for d in (
                await session.scalars(
                    select(ContractDocument).where(ContractDocument.contract_id == handle.id)
                )
            ).all()
        }
        actions = {
            a.action
            for a in (
                await session.scalars(select(AuditEntry).where(AuditEntry.bid_id == handle.id))
            ).all()
        }
    assert row is not None and row.stage == "closed" and row.value_delivered_pence == 1_777_779
    assert row.outputs_achieved == 31 + 28 + 30 + 29 + 30 * 4
    # Payment 1: £10,000.01, top-slice £1,000.00, £3,000.00 each, the lead's penny.
    assert (payments[0].top_slice_pence, payments[0].remainder_pence) == (100_000, 1)
    assert payments[0].shares == {alpha: 300_001, beta: 300_000, gamma: 300_000}
    assert list(payments[0].paid) == [beta]
    # Payment 2 (after the replacement): £7,777.78, top-slice £777.78 (77,777.8p half up).
    assert payments[1].top_slice_pence == 77_778
    assert payments[1].shares == {alpha: 233_334, beta: 233_333, delta: 233_333}
    assert len(returns) == 8 and {r.organisation_id for r in returns if r.late} == {beta}
    # Each period's text left the state once combined (it continues as new for years), not the
    # read model.
    assert all(r.outcomes and r.case_studies for r in returns)
    assert {f"return:{n}" for n in (1, 2, 3, 4)} | {"final"} <= set(documents)
    assert (
        documents["return:1"]
        .csv.splitlines()[0]
        .startswith("organisation_id,name,young people supported")
    )
    assert f"subcontract:{delta}:v2" in documents
    assert {"task_overdue", "return_sent_back", "partner_replaced", "contract_closed"} <= actions
    for name in ("alpha", "beta", "delta"):
        assert any("The contract is closed" in s for s in subjects(mailbox, bid.email(name)))
    assert any("you are owed" in s for s in subjects(mailbox, bid.email("beta")))
