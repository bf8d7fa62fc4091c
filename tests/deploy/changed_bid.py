"""A bid workflow changed without a patch: its first command is a timer where the recorded
bid scheduled an activity. `consortia replay` must refuse to let it replace the real one."""

from datetime import timedelta
from typing import Any

from temporalio import workflow


@workflow.defn(name="BidWorkflow")
class UnpatchedBidWorkflow:
    @workflow.run
    async def run(self, input: Any) -> None:
        await workflow.sleep(timedelta(days=1))
