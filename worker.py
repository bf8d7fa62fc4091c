"""A worker: every workflow and activity of the system, on one task queue.

`python worker.py` runs one against the services the settings name; run several for more
throughput. `consortia up` starts one for you. SIGTERM or Ctrl-C stops it gracefully: it takes
no new tasks and gives those in hand `WORKER_SHUTDOWN_GRACE_SECONDS` to finish.
"""

import asyncio
import logging
import os
import signal
from contextlib import AsyncExitStack
from datetime import timedelta

from pydantic import ValidationError
from temporalio.client import Client
from temporalio.worker import (
    FixedSizeSlotSupplier,
    PollerBehaviorSimpleMaximum,
    UnsandboxedWorkflowRunner,
    Worker,
    WorkerTuner,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import database
from activities.agreement import AgreementActivities
from activities.bids import BidStoreActivities
from activities.contracts import ContractActivities
from activities.directory import DirectoryActivities
from activities.email import EmailActivities
from activities.events import EventActivities
from activities.mailer import Mailer
from activities.members import MemberActivities
from activities.newsletter import NewsletterActivities
from activities.ocds import FeedActivities
from activities.store import StoreActivities
from deploy import worker_health
from deploy.schedules import ensure_schedules
from deploy.spare_cores import SpareCoreSlots
from deploy.versioning import deployment_config
from models.limits import one_line
from settings import SettingMissing, Settings
from starter import connect
from workflows.bid import BidWorkflow
from workflows.contract import ContractWorkflow
from workflows.event import EventWorkflow
from workflows.feed import FeedWorkflow
from workflows.mailing import MailingWorkflow
from workflows.membership import MembershipWorkflow
from workflows.newsletter import NewsletterWorkflow
from workflows.notice import NoticeWorkflow

WORKFLOWS = [NoticeWorkflow, MembershipWorkflow, BidWorkflow, MailingWorkflow]
WORKFLOWS += [FeedWorkflow, NewsletterWorkflow]  # published notices, the newsletter
WORKFLOWS += [ContractWorkflow, EventWorkflow]  # after the award; around the bids


def activities_for(
    settings: Settings,
    sessions: database.async_sessionmaker,
    store_sessions: database.async_sessionmaker | None = None,
) -> list:
    """`store_sessions`, given, serve the audit and read-model writes an answer waits for, from
    a pool of their own: a burst of e-mails (each holds a connection while it sends) cannot
    keep an answer waiting for a connection."""
    email = EmailActivities(sessions, Mailer(settings), settings)
    store = StoreActivities(store_sessions or sessions)
    directory = DirectoryActivities(sessions)
    members = MemberActivities(sessions)
    bids = BidStoreActivities(store_sessions or sessions)
    return [
        email.send_email,
        email.send_emails,
        store.record_audit,
        store.record_audits,
        directory.match_members,
        directory.members_by_id,
        members.save_member,
        members.save_known_providers,
        directory.search_members,
        directory.count_members,
        directory.figures,
        bids.save_opportunity,
        bids.save_bid,
        bids.record_contribution,
        bids.record_review,
        bids.record_signature,
        AgreementActivities().generate_agreement,
        *_notices(settings, sessions),
        *_delivery(store_sessions or sessions),
    ]


def _delivery(sessions: database.async_sessionmaker) -> list:
    """After the award and around the bids: contracts' and events' read models, documents."""
    contracts, events = ContractActivities(sessions), EventActivities(sessions)
    return [contracts.save_contract, contracts.generate_document, events.save_event]


def workflow_runner(settings: Settings) -> WorkflowRunner:
    """Temporal's sandbox; with `WORKER_SANDBOX=shared` (the default) the project's workflow
    modules are passed through it, loaded once per process instead of once per cached
    workflow; with `off`, no sandbox. The sandbox still refuses non-deterministic calls in its
    strict form, which the test suite runs every workflow path under."""
    if settings.worker_sandbox == "off":
        return UnsandboxedWorkflowRunner()
    restrictions = SandboxRestrictions.default
    if settings.worker_sandbox == "shared":
        restrictions = restrictions.with_passthrough_modules("workflows")
    return SandboxedWorkflowRunner(restrictions=restrictions)


def _notices(settings: Settings, sessions: database.async_sessionmaker) -> list:
    """Published notices' poller and the quarterly newsletter."""
    email = EmailActivities(sessions, Mailer(settings), settings)
    newsletter = NewsletterActivities(sessions, settings, email)
    feeds = FeedActivities(sessions, settings)
    return [feeds.poll_source, newsletter.draft_newsletter, newsletter.send_newsletter_page]


def build_worker(
    client: Client,
    settings: Settings,
    sessions: database.async_sessionmaker,
    task_queue: str | None = None,
    store_sessions: database.async_sessionmaker | None = None,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessions, store_sessions),
        workflow_runner=workflow_runner(settings),
        deployment_config=deployment_config(settings),  # None unless versioning is on
        max_cached_workflows=settings.worker_cached_workflows,
        max_concurrent_workflow_tasks=settings.worker_workflow_tasks,
        # As many polls as tasks at once, half of them on the shared queue: a bid evicted from
        # the cache (more live bids than WORKER_CACHED_WORKFLOWS) has its next task there, not
        # on this worker's sticky queue, and the SDK's one poller in five there let 874 such
        # tasks wait minutes in the 1,000-bid burst (bench/RESULTS.md).
        workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(settings.worker_workflow_tasks),
        nonsticky_to_sticky_poll_ratio=1.0,
        sticky_queue_schedule_to_start_timeout=timedelta(
            seconds=settings.worker_sticky_timeout_seconds
        ),
        # An activity cancelled at shutdown may have done its work without recording it (an
        # e-mail the relay accepted, not yet marked sent): let those in hand finish.
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_shutdown_grace_seconds),
    )


def build_mail_worker(
    client: Client, settings: Settings, sessions: database.async_sessionmaker
) -> Worker:
    """The e-mail activities on `MAIL_TASK_QUEUE`: the bids' letters (and the audit rows that
    travel with them). No workflows, so no cache: a process of its own keeps a burst of
    letters off the CPU that the bids' workflow tasks need."""
    if settings.mail_task_queue is None:
        raise SettingMissing("WORKER_ROLE=mail needs MAIL_TASK_QUEUE: the queue it serves")
    email = EmailActivities(sessions, Mailer(settings), settings)
    tuner = None
    if settings.mail_spare_cores_only:
        one = FixedSizeSlotSupplier(1)  # no workflows, local activities or Nexus here
        tuner = WorkerTuner.create_composite(
            workflow_supplier=one,
            activity_supplier=SpareCoreSlots(),
            local_activity_supplier=one,
            nexus_supplier=one,
        )
    return Worker(
        client,
        task_queue=settings.mail_task_queue,
        activities=[email.send_emails, email.send_email],
        tuner=tuner,
        # For every worker of the queue: the server hands out no more than this a second.
        max_task_queue_activities_per_second=settings.mail_batches_per_second,
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_shutdown_grace_seconds),
    )


def check_mail_settings(settings: Settings) -> None:
    """The mail worker's pacing settings need its queue; refused before anything connects."""
    if settings.mail_task_queue is not None:
        return
    if settings.mail_batches_per_second is not None:
        raise SettingMissing(
            "MAIL_BATCHES_PER_SECOND needs MAIL_TASK_QUEUE: it paces the bids' e-mail queue, "
            "and without one their letters share the bids' own queue"
        )
    if settings.mail_spare_cores_only:
        raise SettingMissing(
            "MAIL_SPARE_CORES_ONLY needs MAIL_TASK_QUEUE: it holds back a mail worker, and "
            "without one the bids' letters go with their answers"
        )


def workers_for(
    client: Client,
    settings: Settings,
    sessions: database.async_sessionmaker,
    store_sessions: database.async_sessionmaker | None = None,
) -> list[Worker]:
    """The workers `WORKER_ROLE` asks of this process (settings.py)."""
    check_mail_settings(settings)
    role, mail = settings.worker_role, settings.mail_task_queue
    workers = []
    if role in ("all", "workflows"):
        workers.append(build_worker(client, settings, sessions, store_sessions=store_sessions))
    if role == "mail" or (role == "all" and mail is not None):
        workers.append(build_mail_worker(client, settings, sessions))
    return workers


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    settings = Settings()
    check_mail_settings(settings)
    if settings.worker_nice:
        os.nice(settings.worker_nice)  # for good: this process yields the cores first
    # The store pool serves the read-model writes an answer waits for: no pre-ping on them.
    engine = database.make_engine(settings)
    store_engine = database.make_engine(settings, pre_ping=False)
    client = await connect(settings)
    if settings.worker_role != "mail":
        await ensure_schedules(client, settings)  # the newsletter's, each feed's poller
    workers = workers_for(
        client,
        settings,
        database.make_sessions(engine),
        store_sessions=database.make_sessions(store_engine),
    )
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        async with AsyncExitStack() as running:  # leaving it finishes the tasks in hand
            for worker in workers:
                await running.enter_async_context(worker)
                logging.info("polling task queue %r", worker.task_queue)
            if settings.worker_role != "mail":
                logging.info(
                    "a workflow's next task waits %gs for this worker if it caches the workflow "
                    "(WORKER_STICKY_TIMEOUT_SECONDS)",
                    settings.worker_sticky_timeout_seconds,
                )
            if settings.worker_role != "workflows" and settings.mail_batches_per_second:
                logging.info(
                    "the bids' e-mail starts at most %g activities a second "
                    "(MAIL_BATCHES_PER_SECOND)",
                    settings.mail_batches_per_second,
                )
            if settings.worker_role != "workflows" and settings.mail_spare_cores_only:
                logging.info(
                    "the bids' e-mail waits for a spare core, one a second at least "
                    "(MAIL_SPARE_CORES_ONLY)"
                )
            if settings.worker_nice:
                logging.info("niceness %d: the other processes get the cores first", os.nice(0))
            if settings.worker_role == "workflows" and settings.mail_task_queue:
                logging.info(
                    "the bids' e-mail goes to %r: it waits there until a WORKER_ROLE=mail "
                    "worker serves it",
                    settings.mail_task_queue,
                )
            _beat = worker_health.beating(settings.worker_health_file)  # held while it runs
            await stop.wait()
            logging.info(
                "stopping: finishing the tasks in hand (up to %gs)",
                settings.worker_shutdown_grace_seconds,
            )
    finally:
        await engine.dispose()
        await store_engine.dispose()
    logging.info("stopped")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except SettingMissing as missing:  # a setting to fix, not a crash: say which, no traceback
        raise SystemExit(f"worker: {missing}") from None
    except ValidationError as error:  # a setting out of its bounds: which, and why
        raise SystemExit(
            f"worker: a setting is not valid: {one_line(error, settings=True)}"
        ) from None
