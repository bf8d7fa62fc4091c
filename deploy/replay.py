"""`consortia replay`: the rollout's replay gate. The histories of the workflows running on
a Temporal server now (by visibility query) are replayed against the code about to be
deployed; a history it cannot replay (a non-deterministic change) fails the command, and so
the rollout, before any new worker takes a task.

Run it from the new release's image or checkout, with the production settings (the codec's
keys too: the histories are sealed).
"""

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from temporalio.client import Client
from temporalio.worker import Replayer

from settings import Settings
from starter import connect
from worker import WORKFLOWS

DEFAULT_LIMIT = 10_000


@dataclass
class ReplayReport:
    replayed: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # workflow id -> why


async def replay_running(
    client: Client, query: str, workflows: Sequence[type] = WORKFLOWS, limit: int = DEFAULT_LIMIT
) -> ReplayReport:
    """Replay the histories `query` finds (at most `limit`) against `workflows`."""
    replayer = Replayer(workflows=workflows, data_converter=client.data_converter)
    histories = client.list_workflows(query, limit=limit).map_histories()
    report = ReplayReport()
    async with replayer.workflow_replay_iterator(histories) as results:
        async for result in results:
            report.replayed += 1
            if result.replay_failure is not None:
                report.failures[result.history.workflow_id] = str(result.replay_failure)
    return report


def default_query(settings: Settings) -> str:
    return f"ExecutionStatus='Running' AND TaskQueue='{settings.temporal_task_queue}'"


def gate(query: str | None, limit: int) -> int:
    """The command's work: 0 when every history replays, 1 otherwise (each failure said)."""
    settings = Settings()
    query = query or default_query(settings)

    async def run() -> ReplayReport:
        return await replay_running(await connect(settings), query, limit=limit)

    report = asyncio.run(run())
    for workflow_id, why in report.failures.items():
        print(f"NOT REPLAYABLE {workflow_id}: {why}", file=sys.stderr)
    print(f"replayed {report.replayed} histories ({query}); {len(report.failures)} failed")
    return 1 if report.failures else 0
