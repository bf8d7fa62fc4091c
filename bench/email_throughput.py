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
from models.email import SendEmailInput


async def send_all(stack: Stack, mailer: Mailer, messages: int, concurrency: int) -> float:
    """Messages per second, each through the full outbox path (insert, lock, send, mark)."""
    email = EmailActivities(stack.sessions, mailer, stack.settings)
    run = uuid.uuid4().hex[:8]
    limit = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with limit:
            await email.send_email(
                SendEmailInput(
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
            )

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(messages)))
    elapsed = time.perf_counter() - started
    await mailer.close()
    return messages / elapsed


async def measure(stack: Stack, messages: int = 500, concurrency: int = 4) -> dict:
    per_message = await send_all(stack, Mailer(stack.settings, reuse=False), messages, concurrency)
    reused = await send_all(stack, Mailer(stack.settings), messages, concurrency)
    return {"messages": messages, "new_connection_per_s": per_message, "reused_per_s": reused}


def report(figures: dict) -> None:
    print(
        f"email: {figures['reused_per_s']:.0f} messages/s through the outbox with connection "
        f"reuse; baseline {figures['new_connection_per_s']:.0f}/s with a connection per "
        f"message; ratio {figures['reused_per_s'] / figures['new_connection_per_s']:.2f}x "
        f"({figures['messages']} messages each)"
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
