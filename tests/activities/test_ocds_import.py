"""A published notice runs a bid by itself: the tender starts it, an amendment moves its
deadline (every timer follows), the award to a consortium records the outcome; a package
imported twice changes nothing."""

import asyncio
import uuid
from decimal import Decimal

from icalendar import Calendar

from activities.ocds import NoticeImporter
from models import bid_answers as a
from models.bid_updates import SYSTEM_ACTOR
from models.feeds import FeedSourceConfig
from tests.activities.ocds_packages import award, release_package, tender
from tests.helpers import wait_until
from tests.workflows import bid_support
from tests.workflows.bid_steps import MEMBERS, assign, sign_all, to_drafting, write_and_approve
from tests.workflows.bid_support import Bid, add_members, bid_worker, days, subjects
from workflows.bid import BidWorkflow


def invitations(mailbox, address: str) -> list:
    """The calendar events the e-mails to `address` carried, in order."""
    parts = [p for m in mailbox.to(address) for p in m.walk()]
    ics = [p.get_payload(decode=True) for p in parts if p.get_content_type() == "text/calendar"]
    return [Calendar.from_ical(i).walk("VEVENT")[0] for i in ics]


def reminded(mailbox, bid: Bid) -> bool:
    return any(s.startswith("Reminder") for s in subjects(mailbox, bid.email("beta")))


async def test_a_tender_its_amendment_and_its_award_to_a_consortium_run_the_bid(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env, tag = time_skipping_env, uuid.uuid4().hex[:8]
    theme = f"theme-{tag}"
    orgs = await add_members(sessions, tag, theme, MEMBERS)
    coordinator = f"coordinator-{tag}@example.org"
    local = settings.model_copy(
        update={
            "temporal_task_queue": task_queue,
            "ocds_cpv_themes": {"853": theme},
            "coordinator_email": coordinator,
        }
    )
    source = FeedSourceConfig(name=f"cf-{tag}", url="https://example.invalid/ocds", trusted=True)
    importer = NoticeImporter(sessions, local, env.client)
    ocid, now = f"ocds-b5fd17-{tag}", await env.get_current_time()
    published = release_package(tender(ocid, f"{ocid}-1", now, now + days(60)))

    async with bid_worker(env, settings, sessions, task_queue):
        report = await importer.import_package(published, source)
        assert report.imported == 1, report
        bid_id = f"bid-{ocid}"
        assert report.effects == [f"{ocid} {ocid}-1: circulated as {bid_id}"]
        handle = env.client.get_workflow_handle_for(BidWorkflow.run, bid_id)
        bid_support._STARTED.setdefault(task_queue, []).append(handle)  # ended if we fail
        bid = Bid(handle, (await handle.query(BidWorkflow.state)).notice, coordinator, "", orgs)
        await wait_until(lambda: bid_support._circulated(bid))
        state = await bid.state()
        assert state.notice.funder == "Durham County Council" and state.notice.themes == [theme]
        assert state.notice.value == Decimal("120000.00")
        assert "https://example.org/spec.pdf" in state.notice.description

        again = await importer.import_package(published, source)
        assert (again.imported, again.already_held) == (0, 1)
        assert len((await bid.state()).timeline) == len(state.timeline)

        await to_drafting(bid)
        await assign(bid, env, {"summary": "beta"}, due_days=10)
        await asyncio.sleep(1.05)  # the invitations' SEQUENCE counts seconds: a later one
        before = await bid.state()
        moved = before.deadlines.submission + days(20)
        amendment = tender(
            ocid, f"{ocid}-2", await env.get_current_time(), moved, tag="tenderAmendment"
        )
        report = await importer.import_package(release_package(amendment), source)
        assert report.imported == 1 and f"sent to {bid_id}" in report.effects[0], report
        after = await bid.state()
        assert after.deadlines.submission == moved
        assert after.sections["summary"].due - before.sections["summary"].due == days(20)
        [event] = [e for e in after.timeline if e.action == "deadline_moved"]
        assert event.actor == SYSTEM_ACTOR

        await env.sleep(days(12))  # past the section's old due date: no reminder yet
        assert not reminded(mailbox, bid)
        await env.sleep(days(17))  # two days before its new due date
        await wait_until(lambda: reminded(mailbox, bid))
        section = [e for e in invitations(mailbox, bid.email("beta")) if ".section." in e["UID"]]
        prompt, reminder = section[:2]
        assert str(prompt["UID"]) == str(reminder["UID"])  # the same event, moved
        assert int(reminder["SEQUENCE"]) > int(prompt["SEQUENCE"])
        assert reminder.decoded("DTEND") - prompt.decoded("DTEND") == days(20)
        await write_and_approve(bid, {"summary": "beta"})
        await bid.reach("agreement")
        await sign_all(bid, env, names=("alpha", "beta", "gamma"))
        await bid.reach("submission")
        await handle.execute_update(
            "record_submission",
            a.SubmissionInput(actor=bid.org("alpha"), reference="DCC-1"),
        )
        await bid.reach("award")

        won = award(
            ocid,
            f"{ocid}-3",
            await env.get_current_time(),
            ["Alpha Trust", "Beta Trust"],
            95000,
        )
        report = await importer.import_package(release_package(won), source)
        assert "awarded to Alpha Trust, Beta Trust" in report.effects[0], report
        outcome = await handle.result()
        final = await bid.state()
        same = await importer.import_package(release_package(won), source)
    assert outcome.stage == "awarded"
    assert final.outcome is not None and final.outcome.value == Decimal("95000.00")
    assert str(final.outcome.start_date) == "2027-09-01"
    assert "Alpha Trust, Beta Trust" in final.outcome.feedback
    [recorded] = [e for e in final.timeline if e.action == "outcome_recorded"]
    assert recorded.actor == SYSTEM_ACTOR
    assert (same.imported, same.already_held) == (0, 1)


async def test_a_cancelled_tender_closes_its_bid_with_the_buyers_reason(
    time_skipping_env, settings, sessions, mailbox, task_queue
):
    env, tag = time_skipping_env, uuid.uuid4().hex[:8]
    orgs = await add_members(sessions, tag, f"theme-{tag}", MEMBERS)
    local = settings.model_copy(
        update={"temporal_task_queue": task_queue, "ocds_cpv_themes": {"853": f"theme-{tag}"}}
    )
    source = FeedSourceConfig(name=f"fts-{tag}", url="https://example.invalid/", trusted=True)
    importer = NoticeImporter(sessions, local, env.client)
    ocid, now = f"ocds-h6vhtk-{tag}", await env.get_current_time()
    async with bid_worker(env, settings, sessions, task_queue):
        await importer.import_package(
            release_package(tender(ocid, "1", now, now + days(60))), source
        )
        handle = env.client.get_workflow_handle_for(BidWorkflow.run, f"bid-{ocid}")
        bid_support._STARTED.setdefault(task_queue, []).append(handle)
        bid = Bid(handle, (await handle.query(BidWorkflow.state)).notice, "", "", orgs)
        await wait_until(lambda: bid_support._circulated(bid))
        await to_drafting(bid)
        await assign(bid, env, {"summary": "beta"}, due_days=10)
        cancelled = tender(ocid, "2", now, now + days(60), tag="tenderCancellation")
        cancelled["tender"] |= {"status": "cancelled", "statusDetails": "The budget was withdrawn."}
        report = await importer.import_package(release_package(cancelled), source)
        outcome = await handle.result()
        state = await handle.query(BidWorkflow.state)
    assert "cancelled: sent to" in report.effects[0], report
    assert outcome.stage == "cancelled"
    assert outcome.reason == (
        "Durham County Council cancelled the tender 'Young people's mental health peer "
        "support'. The budget was withdrawn."
    )
    [asked] = [e for e in state.timeline if e.action == "cancel_requested"]
    assert asked.actor == SYSTEM_ACTOR
    # the section beta still owed leaves its calendar: the same event, cancelled
    await wait_until(lambda: any("cancelled" in s for s in subjects(mailbox, bid.email("beta"))))
    events = [e for e in invitations(mailbox, bid.email("beta")) if ".section." in e["UID"]]
    invited, cancelled = events[0], events[-1]
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(invited["STATUS"]) == "CONFIRMED"
    assert str(cancelled["UID"]) == str(invited["UID"])
    assert int(cancelled["SEQUENCE"]) > int(invited["SEQUENCE"])
