"""How the workflows call activities: a timeout, a retry policy and a priority, by name.

Only infrastructure errors retry (a database restart, an SMTP outage); an activity that finds
bad data raises a non-retryable `DataError` (see activities/errors.py) that a person must see.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import Priority, RetryPolicy

Arg = TypeVar("Arg")
Result = TypeVar("Result")

DATA_ERRORS = ["DataError", "TemplateNotFound", "UndefinedError"]

# The bid's own work (an answer's Update, a stage opening) runs at the default priority, 3.
# Its mailings and audit writes are background work: when a burst backs the task queue up
# (1,000 bids inviting 20 partners each), Temporal hands the worker the bids' tasks first.
BACKGROUND = Priority(priority_key=4)


@dataclass(frozen=True)
class Policy:
    """One kind of activity call: how long an attempt may take and how attempts repeat."""

    timeout: timedelta
    retry: RetryPolicy
    priority: Priority = field(default_factory=lambda: Priority.default)

    def run(
        self,
        activity: Callable[[Any, Arg], Awaitable[Result]],
        arg: Arg,
        task_queue: str | None = None,
    ) -> Awaitable[Result]:
        """A (remote) activity: recorded in the history once the workflow task completes. On
        `task_queue` if given (a mail worker's), else the workflow's own."""
        return workflow.execute_activity_method(
            activity,
            arg,
            task_queue=task_queue,
            start_to_close_timeout=self.timeout,
            retry_policy=self.retry,
            priority=self.priority,
        )

    def run_local(
        self, activity: Callable[[Any, Arg], Awaitable[Result]], arg: Arg
    ) -> Awaitable[Result]:
        """A local activity: no server round trip, but it runs before the workflow task
        completes, so it may run again if that completion is lost: only for upserts."""
        return workflow.execute_local_activity_method(
            activity, arg, start_to_close_timeout=self.timeout, retry_policy=self.retry
        )


# The database may be briefly down (a restart, a failover): retry for as long as it takes.
STORE = Policy(
    timeout=timedelta(seconds=30),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
        non_retryable_error_types=DATA_ERRORS,
    ),
)

# Audit rows: as STORE, behind a person's answers in a backed-up queue.
AUDIT = Policy(timeout=STORE.timeout, retry=STORE.retry, priority=BACKGROUND)

# An SMTP outage delays messages: they wait in the outbox and go when the relay returns.
EMAIL = Policy(
    timeout=timedelta(minutes=2),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=5),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=DATA_ERRORS,
    ),
)

# A bid's own e-mails (a prompt, a few reminders, news to its consortium): as EMAIL, behind
# a person's answers in a backed-up queue.
BID_EMAIL = Policy(timeout=EMAIL.timeout, retry=EMAIL.retry, priority=BACKGROUND)
