"""A bid's e-mail on a queue of its own (`MAIL_TASK_QUEUE`), served by a mail worker in
another process (`WORKER_ROLE=mail`): the bid's answers never wait behind its letters, and a
letter waits, not lost, while no mail worker runs."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.api.enums.v1 import EventType

from models import bid_answers as a
from settings import SettingMissing, Settings
from tests.helpers import wait_until
from tests.workflows.bid_steps import MEMBERS
from tests.workflows.bid_support import start_bid, subjects
from worker import build_mail_worker, workers_for


def on_queues(settings, task_queue: str, mail_queue: str, **more):
    """Settings of a `WORKER_ROLE=workflows` worker on `task_queue` whose bids mail through
    `mail_queue` (and of the mail worker that serves it)."""
    return settings.model_copy(
        update={
            "temporal_task_queue": task_queue,
            "mail_task_queue": mail_queue,
            "worker_role": "workflows",
            **more,
        }
    )


async def test_a_bids_letters_wait_for_the_mail_worker_and_its_answers_do_not(
    dev_env, settings, sessions, mailbox, task_queue
):
    mail_queue = f"{task_queue}-mail"
    settings = on_queues(settings, task_queue, mail_queue)
    [bids] = workers_for(dev_env.client, settings, sessions)
    assert bids.task_queue == task_queue
    async with bids:
        bid = await start_bid(dev_env, sessions, task_queue, MEMBERS, mail_task_queue=mail_queue)

        # The circulation is scheduled on the mail queue (once the task that recorded it is
        # committed: the state query can answer first), and nothing serves it yet.
        async def mail_scheduled() -> list:
            return [
                e.activity_task_scheduled_event_attributes
                async for e in bid.handle.fetch_history_events()
                if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                and e.activity_task_scheduled_event_attributes.activity_type.name == "send_emails"
            ]

        await wait_until(mail_scheduled, within=30)
        assert [s.task_queue.name for s in await mail_scheduled()] == [mail_queue]
        alpha = bid.org("alpha")
        # An answer is taken while its letters wait.
        await bid.handle.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=alpha, answer="lead")
        )
        assert subjects(mailbox, bid.email("alpha")) == []

        async with build_mail_worker(dev_env.client, settings, sessions):
            # Every member's notice, and alpha's receipt of the answer taken meanwhile.
            def delivered() -> bool:
                counts = {name: len(subjects(mailbox, bid.email(name))) for name in MEMBERS}
                return counts["alpha"] >= 2 and all(counts.values())

            await wait_until(delivered, within=30)
            assert all(len(subjects(mailbox, bid.email(n))) == 1 for n in MEMBERS if n != "alpha")
            to_alpha = subjects(mailbox, bid.email("alpha"))
            assert len(to_alpha) == 2, to_alpha  # either may be delivered first
            assert any("Will you lead" in s for s in to_alpha)
            assert any("We have your answer" in s for s in to_alpha)


async def test_a_mail_worker_needs_its_queue_and_each_role_serves_its_own(
    dev_env, settings, sessions, task_queue
):
    def queues(n: int, **update) -> list[str]:
        # A queue of its own each time: the SDK takes one worker per queue and client.
        these = settings.model_copy(update={"temporal_task_queue": f"{task_queue}-{n}", **update})
        return [w.task_queue for w in workers_for(dev_env.client, these, sessions)]

    with pytest.raises(SettingMissing, match="MAIL_TASK_QUEUE"):
        queues(1, worker_role="mail")
    assert queues(2) == [f"{task_queue}-2"]
    assert queues(3, mail_task_queue=f"{task_queue}-m3") == [f"{task_queue}-3", f"{task_queue}-m3"]
    assert queues(4, worker_role="workflows", mail_task_queue=f"{task_queue}-m4") == [
        f"{task_queue}-4"
    ]
    assert queues(5, worker_role="mail", mail_task_queue=f"{task_queue}-m5") == [f"{task_queue}-m5"]


async def test_the_mail_queue_starts_its_letters_at_the_pace_it_is_given(
    dev_env, settings, sessions, mailbox, task_queue
):
    """MAIL_BATCHES_PER_SECOND=2: ten bids started at once circulate their notices, one
    activity each, and the mail queue starts them over more than three seconds (the server
    paces the queue for every worker of it, after a first second's worth); every notice is
    sent."""
    mail_queue = f"{task_queue}-paced"
    settings = on_queues(settings, task_queue, mail_queue, mail_batches_per_second=2.0)
    [bids] = workers_for(dev_env.client, settings, sessions)
    async with bids, build_mail_worker(dev_env.client, settings, sessions):
        started = await asyncio.gather(
            *(
                start_bid(dev_env, sessions, task_queue, MEMBERS, mail_task_queue=mail_queue)
                for _ in range(10)
            )
        )
        await wait_until(
            lambda: all(subjects(mailbox, b.email(n)) for b in started for n in MEMBERS),
            within=30,
        )
        starts = sorted(
            [
                e.event_time.ToDatetime()
                for bid in started
                async for e in bid.handle.fetch_history_events()
                if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
            ]
        )
    assert len(starts) >= 10
    assert (starts[-1] - starts[0]).total_seconds() > 3.0, starts


async def test_a_mail_worker_on_spare_cores_only_still_sends_every_letter(
    dev_env, settings, sessions, mailbox, task_queue
):
    """MAIL_SPARE_CORES_ONLY: the mail worker's slots wait for a spare core (the rule is
    deploy/spare_cores.py's, tested on its own); on the real server its letters still go."""
    mail_queue = f"{task_queue}-spare"
    settings = on_queues(settings, task_queue, mail_queue, mail_spare_cores_only=True)
    [bids] = workers_for(dev_env.client, settings, sessions)
    mail = build_mail_worker(dev_env.client, settings, sessions)
    async with bids, mail:
        bid = await start_bid(dev_env, sessions, task_queue, MEMBERS, mail_task_queue=mail_queue)
        await wait_until(
            lambda: all(subjects(mailbox, bid.email(n)) for n in MEMBERS),
            within=30,
        )


def test_the_mail_pace_is_a_positive_rate_and_needs_a_mail_queue(settings):
    for bad in ("0", "-1", "1001", "fast"):
        with pytest.raises(ValidationError, match="mail_batches_per_second"):
            Settings(_env_file=None, mail_batches_per_second=bad)  # type: ignore[call-arg]
    paced = settings.model_copy(update={"mail_batches_per_second": 5.0, "mail_task_queue": None})
    with pytest.raises(SettingMissing, match="MAIL_BATCHES_PER_SECOND needs MAIL_TASK_QUEUE"):
        workers_for(None, paced, None)  # type: ignore[arg-type]
    spare = settings.model_copy(update={"mail_spare_cores_only": True, "mail_task_queue": None})
    with pytest.raises(SettingMissing, match="MAIL_SPARE_CORES_ONLY needs MAIL_TASK_QUEUE"):
        workers_for(None, spare, None)  # type: ignore[arg-type]


def test_a_worker_refuses_a_mail_pace_without_its_queue_before_it_connects():
    """`python worker.py` names the setting to fix, not the Temporal it could not reach."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "WORKER_", "TEMPORAL"))
    }
    env |= {
        "MAIL_SPARE_CORES_ONLY": "true",
        "TEMPORAL_ADDRESS": "127.0.0.1:1",  # nothing listens: a connect would fail first
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
    }
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "worker.py"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0
    assert "MAIL_SPARE_CORES_ONLY needs MAIL_TASK_QUEUE" in run.stderr, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
