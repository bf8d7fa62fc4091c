"""One engagement event, from the invitations to its outputs: invitees chosen from the
directory (themes, localities) or added by hand answer from the e-mail, are reminded, come
(attendance recorded on the day), give feedback, and the outputs (notes, themes, proposals)
are linked to the opportunities or consortia they led to. Reuses the bid's `Reminders` (one
schedule, one timer) over `DeliveryEffects`, as the contract does."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.directory import DirectoryActivities
    from activities.events import EventActivities
    from models.bid import COORDINATOR
    from models.bid_answers import Answer
    from models.bid_schedule import DueTask
    from models.directory import MatchInput
    from models.event import (
        EVENT_UPDATES,
        KIND_WORDS,
        AddInvitees,
        AttendanceInput,
        CancelEvent,
        EventInput,
        EventOutputs,
        EventState,
        EventSummary,
        EventUpdate,
        FeedbackInput,
        Invitee,
        OutputsInput,
        RsvpInput,
    )
    from workflows import search_attributes as sa
    from workflows import updates
    from workflows.bid.reminders import Reminders
    from workflows.bid.rules import Refused, when
    from workflows.delivery_effects import DeliveryEffects
    from workflows.policies import STORE


@workflow.defn
class EventWorkflow:
    """One event, id `event-...`. Updates: every row of `models.event.EVENT_UPDATES`.
    Query: `state`."""

    @workflow.init
    def __init__(self, input: EventInput) -> None:
        s = self._state = EventState.new(input)
        self._fx = DeliveryEffects(
            s.event_id,
            s.title,
            s,
            lambda: STORE.run_local(EventActivities.save_event, self._view()),
            s.timetable.link_valid_after_due,
        )
        self._reminders = Reminders(s, self._fx)
        updates.register(
            EVENT_UPDATES,
            updates.handlers_of([self], EVENT_UPDATES),
            self._handler,
            self._validator,
        )

    @workflow.query
    def state(self) -> EventState:
        return self._state

    @workflow.run
    async def run(self, input: EventInput) -> EventSummary:
        s, fx = self._state, self._fx
        workflow.upsert_search_attributes([sa.EVENT_STATUS.value_set(s.status)])
        reminding = asyncio.create_task(self._reminders.run(self._no_answer))
        if input.themes or input.localities:
            wanted = MatchInput(themes=input.themes, localities=input.localities)
            found = await STORE.run(DirectoryActivities.match_members, wanted)
            for m in found:
                s.invitees.setdefault(
                    m.organisation_id,
                    Invitee(organisation_id=m.organisation_id, name=m.name, email=m.email),
                )
        fx.record("system", "event_created", kind=s.kind, starts=when(s.starts_at))
        self._invite(list(s.invitees.values()), "invitations")
        await fx.save()
        if await self._until(s.starts_at - s.timetable.rsvp_before):
            coming = [i for i in s.invitees.values() if i.rsvp == "yes"]
            heading, body = "See you soon", f"{self._words()}. Thank you for saying you will come."
            fx.mail("see-you", [fx.letter("see-you", i.email, heading, body) for i in coming])
        if await self._until(s.ends_at):
            self._set_status("held")
            self._ask_coordinator("attendance", "event_attendance", "Record who came")
            await fx.save()
            await workflow.wait_condition(lambda: s.attendance_recorded)
            self._ask_feedback()
            await self._until(s.ends_at + s.timetable.feedback_window)
            await workflow.wait_condition(lambda: s.outputs is not None)
            self._set_status("closed")
        self._reminders.done_where(lambda t: True)
        self._reminders.stop()
        await reminding
        await workflow.wait_condition(workflow.all_handlers_finished)
        await fx.save()
        await fx.settle()
        return self._summary()

    async def _until(self, moment: datetime) -> bool:
        """Wait until `moment`; False if the event is cancelled first."""
        s, now = self._state, workflow.now()
        if moment > now:
            try:
                await workflow.wait_condition(lambda: s.status == "cancelled", timeout=moment - now)
            except TimeoutError:
                pass
        return s.status != "cancelled"

    def _words(self) -> str:
        s = self._state
        return f"{KIND_WORDS[s.kind].capitalize()} on {when(s.starts_at)} at {s.place}"

    def _invite(self, invitees: list[Invitee], step: str) -> None:
        s, fx = self._state, self._fx
        due = s.starts_at - s.timetable.rsvp_before
        letters = []
        for i in invitees:
            task = DueTask(
                id=f"rsvp:{i.organisation_id}",
                kind="event_rsvp",
                owed_by=i.organisation_id,
                to=i.email,
                due=due,
                heading=f"You are invited: {s.title}",
                body=f"{self._words()}. Will you come? One click to answer.",
                escalate_to="coordinator",
            )
            self._reminders.add(task, prompt=False)
            letters.append(
                fx.letter(
                    f"invitation:{i.organisation_id}",
                    i.email,
                    task.heading,
                    task.body,
                    kind="event_invitation",
                    task=fx.link("event_rsvp", i.organisation_id, due=s.ends_at),
                    due=due,
                    starts=when(s.starts_at),
                    place=s.place,
                )
            )
        fx.mail(step, letters)

    def _ask_coordinator(self, id: str, kind: Any, heading: str) -> None:
        s = self._state
        task = DueTask(
            id=id,
            kind=kind,
            owed_by=COORDINATOR,
            to=s.coordinator_email,
            due=s.ends_at + s.timetable.attendance_window,
            heading=heading,
            body=f"{self._words()}: {heading.lower()}.",
            escalate_to="coordinator",
        )
        self._reminders.add(task)

    def _ask_feedback(self) -> None:
        s, fx = self._state, self._fx
        until = s.ends_at + s.timetable.feedback_window
        letters = [
            fx.letter(
                f"feedback:{i.organisation_id}",
                i.email,
                "How did it go?",
                f"Thank you for coming to '{s.title}'. Two minutes of feedback helps the next one.",
                kind="bid_task",
                task=fx.link("event_feedback", i.organisation_id, due=until),
                due=until,
            )
            for i in s.attended()
        ]
        fx.mail("feedback", letters)

    async def _no_answer(self, tasks: list[DueTask]) -> None:
        """An invitee who has not answered by the cut-off: recorded, no longer reminded."""
        for task in tasks:
            self._fx.record("system", "no_answer", task.owed_by, task=task.id)
        self._reminders.done(*[t.id for t in tasks])
        await self._fx.save()

    def _set_status(self, status: Any) -> None:
        self._state.status = status
        workflow.upsert_search_attributes([sa.EVENT_STATUS.value_set(status)])
        self._fx.record("system", f"event_{status}")

    def _summary(self) -> EventSummary:
        s = self._state
        accepted = sum(i.rsvp == "yes" for i in s.invitees.values())
        return EventSummary(
            event_id=s.event_id, status=s.status, accepted=accepted, attended=len(s.attended())
        )

    def _view(self) -> EventState:
        summary = self._summary()  # the Temporal UI's line; counts, no names
        invited = len(self._state.invitees)
        workflow.set_current_details(
            f"{summary.status.capitalize()}: {invited} invited, {summary.accepted} said yes, "
            f"{summary.attended} attended"
        )
        return self._state.model_copy(update={"timeline": []})

    # --- its Updates ------------------------------------------------------------------------

    async def rsvp(self, input: RsvpInput) -> None:
        self._state.invitees[input.actor].rsvp = "yes" if input.attending else "no"
        self._reminders.done(f"rsvp:{input.actor}")
        self._fx.record(input.actor, "rsvp", input.actor, attending=input.attending)

    async def give_feedback(self, input: FeedbackInput) -> None:
        invitee = self._state.invitees[input.actor]
        invitee.rating, invitee.feedback = input.rating, input.text
        self._fx.record(input.actor, "feedback_given", input.actor, rating=input.rating)

    async def add_invitees(self, input: AddInvitees) -> None:
        s = self._state
        new = [
            Invitee(organisation_id=p.organisation_id, name=p.name, email=p.email)
            for p in input.invitees
            if p.organisation_id not in s.invitees
        ]
        s.invitees.update({i.organisation_id: i for i in new})
        update = workflow.current_update_info()
        self._invite(new, f"invitations-{update.id if update else 'run'}")
        self._fx.record(input.actor, "invitees_added", count=len(new))

    async def record_attendance(self, input: AttendanceInput) -> None:
        s = self._state
        for invitee in s.invitees.values():
            invitee.attended = invitee.organisation_id in input.attended
        s.attendance_recorded = True
        self._reminders.done("attendance")
        self._fx.record(input.actor, "attendance_recorded", attended=len(s.attended()))
        if s.outputs is None:
            self._ask_coordinator("outputs", "event_attendance", "Record the outputs")

    async def record_outputs(self, input: OutputsInput) -> None:
        self._state.outputs = EventOutputs(**input.model_dump(exclude={"actor"}))
        self._reminders.done("outputs")
        self._fx.record(input.actor, "outputs_recorded", linked=input.linked)

    async def cancel_event(self, input: CancelEvent) -> None:
        s, fx = self._state, self._fx
        s.cancelled_reason = input.reason
        self._set_status("cancelled")
        heading = f"Cancelled: {s.title}"
        fx.mail(
            "cancelled",
            [fx.letter("cancelled", i.email, heading, input.reason) for i in s.invitees.values()],
        )

    # --- every Update, from the table -----------------------------------------------------

    def _check(self, update: EventUpdate, input: Any) -> None:
        s, now = self._state, workflow.now()
        if s.status in ("closed", "cancelled"):
            raise Refused(f"This event is {s.status}.", "EventClosed")
        if update.who == "coordinator":
            if input.actor != COORDINATOR:
                raise Refused("Only the coordinator can do this.", "NotAuthorised")
        elif input.actor not in s.invitees:
            raise Refused("Your organisation was not invited to this event.", "NotAuthorised")
        if update.name == "rsvp" and now >= s.starts_at:
            raise Refused(f"The event started on {when(s.starts_at)}.", "TooLate")
        if update.name == "give_feedback" and not s.invitees[input.actor].attended:
            raise Refused("Feedback is asked of those who came, once attendance is recorded.")
        if update.name == "record_attendance":
            if now < s.starts_at:
                raise Refused("Attendance is recorded once the event has started.")
            unknown = sorted(set(input.attended) - set(s.invitees))
            if unknown:
                raise Refused(f"Not invited: {', '.join(unknown)}. Add them as invitees first.")
        if update.name == "add_invitees" and now >= s.ends_at:
            raise Refused("The event is over: invite them to the next one.")

    def _validator(self, update: EventUpdate) -> Callable[[Any], None]:
        def validate(input: Answer) -> None:
            self._check(update, input)

        return validate

    def _handler(self, update: EventUpdate, apply: Callable[[Any], Awaitable[None]]) -> Any:
        async def handle(input: Answer) -> EventSummary:
            try:
                self._check(update, input)
                await apply(input)
                await self._fx.save()
                return self._summary()
            finally:
                info = workflow.current_update_info()
                self._fx.forget(info.id if info else "")

        handle.__annotations__ = {"input": update.input, "return": EventSummary}
        return handle
