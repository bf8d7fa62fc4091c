"""E-mail through the outbox to a local SMTP server: messages per second, with and without
connection reuse (the baseline is one connection per message, in the same run).

`python -m bench.email_throughput [--messages N] [--concurrency N]`
"""

import argparse
import asyncio
import time
import uuid

from activities.email import EmailActivities
from activities.mailer import Mailer
from bench.stack import Stack, bench_stack
from models.email import SendEmailInput, SendEmailsInput
from workflows.mailing import PER_ACTIVITY


def _message(run: str, i: int) -> SendEmailInput:
    return SendEmailInput(
        key=f"bench-{run}-{i}",
        kind="notice",
        to=f"member{i}@example.org",
        context={
            "subject": "Quarterly procurement newsletter",
            "body": "Upcoming opportunities and contract awards.",
            "action_url": None,
            "action_label": None,
        },
    )


async def send_all(
    stack: Stack, mailer: Mailer, messages: int, concurrency: int, per_call: int = 1
) -> float:
    """Messages per second, each through the full outbox path (insert, lock, send, mark):
    one `send_email` call per message, or `send_emails` with `per_call` messages (as a group
    mailing sends them since "batched-email")."""
    email = EmailActivities(stack.sessions, mailer, stack.settings)
    run = uuid.uuid4().hex[:8]
    limit = asyncio.Semaphore(concurrency)
    batches = [
        [_message(run, i) for i in range(start, min(start + per_call, messages))]
        for start in range(0, messages, per_call)
    ]

    async def one(batch: list[SendEmailInput]) -> None:
        async with limit:
            if per_call == 1:
                await email.send_email(batch[0])
            else:
                await email.send_emails(SendEmailsInput(messages=batch))

    started = time.perf_counter()
    await asyncio.gather(*(one(batch) for batch in batches))
    elapsed = time.perf_counter() - started
    await mailer.close()
    return messages / elapsed


async def measure(stack: Stack, messages: int = 500, concurrency: int = 4) -> dict:
    per_message = await send_all(stack, Mailer(stack.settings, reuse=False), messages, concurrency)
    reused = await send_all(stack, Mailer(stack.settings), messages, concurrency)
    batched = await send_all(stack, Mailer(stack.settings), messages, concurrency, PER_ACTIVITY)
    return {
        "messages": messages,
        "new_connection_per_s": per_message,
        "reused_per_s": reused,
        "batched_per_s": batched,
    }


def report(figures: dict) -> None:
    print(
        f"email: {figures['reused_per_s']:.0f} messages/s through the outbox with connection "
        f"reuse; baseline {figures['new_connection_per_s']:.0f}/s with a connection per "
        f"message; ratio {figures['reused_per_s'] / figures['new_connection_per_s']:.2f}x "
        f"({figures['messages']} messages each)"
    )
    print(
        f"  {PER_ACTIVITY} messages a call (a group mailing's activity): "
        f"{figures['batched_per_s']:.0f}/s, "
        f"{figures['batched_per_s'] / figures['new_connection_per_s']:.2f}x the baseline"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    async with bench_stack() as stack:
        report(await measure(stack, args.messages, args.concurrency))


if __name__ == "__main__":
    asyncio.run(main())
