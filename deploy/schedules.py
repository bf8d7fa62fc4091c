"""The system's Temporal Schedules, created (or brought up to date) each time a worker starts:
the quarterly newsletter, and one poller per configured source of published notices. A
schedule paused by hand (in the Temporal UI, or `temporal schedule toggle --pause`) stays
paused: only its spec and action are updated."""

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError

from models.feeds import FeedSourceConfig, PollInput
from models.newsletter import NewsletterInput
from settings import Settings
from workflows.feed import FeedWorkflow
from workflows.newsletter import NewsletterWorkflow

NEWSLETTER = "newsletter"
log = logging.getLogger(__name__)


def feed_schedule_id(source: FeedSourceConfig) -> str:
    return f"feed-{source.name}"


def newsletter_schedule(settings: Settings) -> Schedule:
    input = NewsletterInput(
        coordinator_email=settings.coordinator_email,
        preview_url=f"{settings.public_url}/feeds/newsletter",
        review=timedelta(days=settings.newsletter_review_days),
    )
    return Schedule(
        action=ScheduleActionStartWorkflow(
            NewsletterWorkflow.run, input, id=NEWSLETTER, task_queue=settings.temporal_task_queue
        ),
        spec=ScheduleSpec(cron_expressions=[settings.newsletter_cron]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


def feed_schedule(source: FeedSourceConfig, settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            FeedWorkflow.run,
            PollInput(source=source.name),
            id=feed_schedule_id(source),
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=source.interval)]),
        # A poll still retrying a source that is down is not doubled by the next one.
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_schedules(client: Client, settings: Settings) -> list[str]:
    """Create each schedule, or update one that exists (keeping it paused if it was)."""
    wanted = {NEWSLETTER: newsletter_schedule(settings)}
    wanted |= {feed_schedule_id(s): feed_schedule(s, settings) for s in settings.feed_sources}
    for schedule_id, schedule in wanted.items():
        try:
            await client.create_schedule(schedule_id, schedule)
        except ScheduleAlreadyRunningError:
            try:
                await client.get_schedule_handle(schedule_id).update(_keeping_state(schedule))
            except RPCError as error:  # workers starting together update it at once
                log.warning("schedule %s not updated (%s): another worker is", schedule_id, error)
    return list(wanted)


def _keeping_state(schedule: Schedule):
    def update(input: ScheduleUpdateInput) -> ScheduleUpdate:
        schedule.state = input.description.schedule.state
        return ScheduleUpdate(schedule=schedule)

    return update
