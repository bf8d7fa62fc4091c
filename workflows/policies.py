"""Named timeouts and retry policies for the activities the workflows call."""

from datetime import timedelta

from temporalio.common import Priority, RetryPolicy

# The database may be briefly down (a restart, a failover): retry for as long as it takes.
STORE = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=1),
    ),
}

# An SMTP outage delays messages: they wait in the outbox and go when the relay returns.
EMAIL = {
    "start_to_close_timeout": timedelta(minutes=2),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=5),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=["TemplateNotFound", "UndefinedError"],
    ),
}

# The bid's own work (an answer's Update, a stage opening) runs at the default priority, 3.
# Its chase and mailing children, and the e-mails they send, are background work: when a
# burst backs the task queue up (1,000 bids inviting 20 partners each), Temporal hands the
# worker the bids' tasks first, so a person's answer does not wait behind 20,000 reminders.
BACKGROUND = Priority(priority_key=4)
