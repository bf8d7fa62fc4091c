"""One poll of one source of published notices, started by the source's Temporal Schedule
(`feed-{name}`, see deploy/schedules.py). The cursor (the latest release date seen) and each
run's count and last error are kept in the database by the activity, for the sources page."""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.ocds import FeedActivities
    from models.feeds import ImportReport, PollInput
    from workflows.policies import DATA_ERRORS, Policy

# A source that is down is asked again later and less often (30 s doubling to 30 min); after
# 8 tries the run gives up, and the schedule's next run starts afresh from the cursor.
POLL = Policy(
    timeout=timedelta(minutes=10),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=30),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=30),
        maximum_attempts=8,
        non_retryable_error_types=DATA_ERRORS,
    ),
)


@workflow.defn
class FeedWorkflow:
    """Reads a source from its cursor and imports what is new. No Updates or queries."""

    @workflow.run
    async def run(self, input: PollInput) -> ImportReport:
        return await POLL.run(FeedActivities.poll_source, input)
