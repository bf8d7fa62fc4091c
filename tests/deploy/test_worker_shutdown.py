"""A worker told to stop (SIGTERM, as a deploy does) finishes the e-mail it is sending and
marks it sent, so the next worker does not send it again."""

import asyncio
import signal
import threading
import uuid

from aiosmtpd.controller import Controller

from deploy.mailbox import Mailbox
from models.notice import NoticeInput
from tests.activities.test_email import outbox_row
from tests.deploy.worker_process import WorkerProcess
from tests.helpers import free_port
from workflows.notice import NoticeWorkflow

RELAY_SECONDS = 3  # how long the relay takes to accept a message


class SlowRelay(Mailbox):
    """Keeps each message, says so, and answers "250" only after `RELAY_SECONDS`."""

    def __init__(self) -> None:
        super().__init__()
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        reply = await super().handle_DATA(server, session, envelope)
        self.received.set()
        await asyncio.sleep(RELAY_SECONDS)
        return reply


async def test_a_worker_stopped_mid_send_finishes_the_send_and_marks_it_sent(
    dev_env, settings, sessions, task_queue, tmp_path
):
    relay = SlowRelay()
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp = settings.model_copy(update={"smtp_port": controller.port})
    address = dev_env.client.service_client.config.target_host
    worker = WorkerProcess(smtp, address, task_queue, tmp_path / "worker.log")
    key, to = f"notice-{uuid.uuid4()}", f"member-{uuid.uuid4()}@example.org"
    try:
        await worker.polling()
        handle = await dev_env.client.start_workflow(
            NoticeWorkflow.run,
            NoticeInput(key=key, actor="coordinator", recipients=[to], subject="AGM", body="3 May"),
            id=key,
            task_queue=task_queue,
        )
        assert await asyncio.to_thread(relay.received.wait, 30), worker.output()
        worker.process.send_signal(signal.SIGTERM)  # while the relay has not yet said "250"
        assert await worker.exit_code(within=RELAY_SECONDS + 20) == 0, worker.output()
    finally:
        worker.kill()
        controller.stop()
    await handle.terminate("the test is over")
    row = await outbox_row(sessions, f"{key}:{to}")
    assert (row.status, row.attempts) == ("sent", 1), (row.status, row.last_error)
    assert len(relay.to(to)) == 1
    assert "stopped" in worker.output().splitlines()[-1], worker.output()
