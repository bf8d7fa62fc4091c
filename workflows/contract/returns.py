"""The reporting calendar: at the end of each period (quarterly by default) every partner is
asked for its return by one e-mail link (outputs against targets, outcomes, case studies,
spend), reminded and, once late, escalated to the lead; the lead accepts it or sends it back
with comments; with every return accepted, the combined return (a document and a CSV) is
generated for the lead to send to the funder. Its Updates: submit_return, review_return."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import ContractActivities
    from models import contract_answers as c
    from models.bid_schedule import DueTask
    from models.contract import (
        ContractParty,
        ContractState,
        ReturnRecord,
        pence,
        pounds,
        return_key,
    )
    from models.contract_rows import DocumentInput
    from workflows.bid.reminders import Reminders
    from workflows.bid.rules import when
    from workflows.delivery_effects import DeliveryEffects
    from workflows.policies import STORE

RESUBMIT_WINDOW = timedelta(days=7)  # a return sent back, or asked of a newcomer, gets this


class Returns:
    def __init__(
        self, state: ContractState, fx: DeliveryEffects, reminders: Reminders[ContractState]
    ) -> None:
        self.state, self.fx, self.reminders = state, fx, reminders

    async def report(self) -> None:
        """The current period: wait for its end, ask every partner, wait for every return to
        be accepted, then combine them."""
        s, period = self.state, self.state.period
        await self.fx.sleep_until(s.period_end(period))
        if not any(r.period == period for r in s.returns.values()):
            for party in s.partners():
                self.ask(period, party)
            self.fx.record("system", "returns_opened", period=period)
            await self.fx.save()
        await workflow.wait_condition(lambda: self.complete(period))
        await self.combine(period)

    def ask(self, period: int, party: ContractParty) -> None:
        s = self.state
        due = max(
            s.period_end(period) + s.timetable.return_window, workflow.now() + RESUBMIT_WINDOW
        )
        record = ReturnRecord(period=period, organisation_id=party.organisation_id, due=due)
        s.returns[record.key] = record
        self.reminders.add(self._task(record))

    def _task(self, record: ReturnRecord) -> DueTask:
        s = self.state
        party = s.parties[record.organisation_id]
        targets = ", ".join(f"{k}: {v}" for k, v in party.targets.items()) or "as agreed"
        body = (
            f"Please send your return for period {record.period} of '{s.title}': your outputs "
            f"against your targets ({targets}), outcomes, case studies and spend."
        )
        if record.comments:
            body = f"The lead sent your return back: {record.comments} {body}"
        return DueTask(
            id=f"return:{record.key}",
            kind="quarterly_return",
            owed_by=record.organisation_id,
            to=party.email,
            key=str(record.period),
            due=record.due,
            heading=f"Your return for period {record.period}",
            body=body,
            round=record.round,
        )

    def complete(self, period: int) -> bool:
        mine = [r for r in self.state.returns.values() if r.period == period]
        return bool(mine) and all(r.status == "accepted" for r in mine)

    async def combine(self, period: int) -> None:
        s = self.state
        accepted = [r for r in s.returns.values() if r.period == period]
        rows = [_row(s, r) for r in accepted]
        keys = sorted({k for r in accepted for k in r.outputs})
        csv_rows = [["organisation_id", "name", *keys, "spend", "outcomes", "case_studies"]]
        csv_rows += [
            [r.organisation_id, s.name_of(r.organisation_id)]
            + [str(r.outputs.get(k, 0)) for k in keys]
            + [f"{r.spend_pence / 100:.2f}", r.outcomes, r.case_studies]
            for r in accepted
        ]
        start = s.period_end(period - 1)
        document = DocumentInput(
            contract_id=s.contract_id,
            name=f"return:{period}",
            kind="combined_return",
            template="combined_return.md",
            context={
                "heading": f"Combined return, period {period}",
                "title": s.title,
                "funder": s.funder,
                "period_label": f"{period} ({start:%d %B %Y} to {s.period_end(period):%d %B %Y})",
                "rows": rows,
                "total_spend": pounds(sum(r.spend_pence for r in accepted)),
                "payments": [
                    f"{p.reference}: {pounds(p.split.received_pence)} on {p.received_on}"
                    for p in s.payments
                ],
            },
            csv_rows=csv_rows,
        )
        made = await self.fx.guarded(
            "the combined return", STORE.run(ContractActivities.generate_document, document)
        )
        if made is not None:
            s.combined[period] = made.version_hash
        self.fx.record("system", "return_combined", period=period, returns=len(accepted))
        await self.fx.save()
        for record in accepted:
            record.archive()  # saved above with its text; the read model keeps it from now on
        body = (
            f"Every partner's return for period {period} is accepted. The combined return "
            "(a document and a CSV) is on the contract's page: send it to the funder."
        )
        heading = f"The combined return for period {period} is ready"
        self.fx.mail(
            f"combined-{period}",
            [self.fx.letter(f"combined-{period}", s.lead_email(), heading, body)],
        )

    def mark_late(self, tasks: list[DueTask]) -> None:
        for task in tasks:
            if task.kind == "quarterly_return":
                found = self.state.returns.get(task.id.removeprefix("return:"))
                if found is not None:
                    found.late = True

    # --- its Updates ------------------------------------------------------------------------

    async def submit_return(self, input: c.ReturnInput) -> None:
        s = self.state
        record = s.returns[return_key(input.period, input.actor)]
        record.outputs, record.outcomes = dict(input.outputs), input.outcomes
        record.case_studies = input.case_studies
        record.spend_pence = pence(input.spend)
        record.status, record.submitted_at = "submitted", workflow.now()
        self.reminders.done(f"return:{record.key}")
        due = workflow.now() + s.timetable.review_window
        self.reminders.add(
            DueTask(
                id=f"review:{record.key}",
                kind="return_review",
                owed_by=s.lead_id,
                to=s.lead_email(),
                key=record.key,
                due=due,
                heading=f"Review {s.name_of(input.actor)}'s return for period {input.period}",
                body="Accept it, or send it back saying what must change.",
                round=record.round,
                escalate_to="coordinator",
            )
        )
        late = "late" if workflow.now() > record.due else "on time"
        self.fx.record(input.actor, "return_submitted", input.actor, period=input.period, came=late)

    async def review_return(self, input: c.ReturnReview) -> None:
        s = self.state
        record = s.returns[return_key(input.period, input.organisation_id)]
        self.reminders.done(f"review:{record.key}")
        party = s.parties[record.organisation_id]
        if input.accept:
            record.status = "accepted"
            heading = f"Your return for period {record.period} is accepted"
            letter = self.fx.letter(f"accepted-{record.key}", party.email, heading, "Thank you.")
            self.fx.mail(f"accepted-{record.key}", [letter])
        else:
            record.status, record.comments = "returned", input.comments
            record.round += 1
            record.due = max(record.due, workflow.now() + RESUBMIT_WINDOW)
            self.reminders.add(self._task(record))
        self.fx.record(
            input.actor,
            "return_accepted" if input.accept else "return_sent_back",
            record.organisation_id,
            period=record.period,
            due=when(record.due),
        )


def _row(s: ContractState, r: ReturnRecord) -> dict:
    return {
        "name": s.name_of(r.organisation_id),
        "outputs": r.outputs,
        "targets": s.parties[r.organisation_id].targets,
        "spend": pounds(r.spend_pence),
        "outcomes": r.outcomes,
        "case_studies": r.case_studies,
    }
