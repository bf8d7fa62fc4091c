"""Named timeouts and retry policies for the activities the workflows call."""

from datetime import timedelta

from temporalio.common import RetryPolicy

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
