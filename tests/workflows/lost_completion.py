"""A workflow interceptor that fails one workflow task, once, after an Update's handler has
run: as if the task's completion were lost (a Temporal restart, a worker killed). Kept out of
the workflow sandbox (passed through), so that "once" survives the task running again."""

from typing import Any

from temporalio import worker

failed: set[str] = set()  # Update ids whose first task was failed


class LoseOneCompletion(worker.Interceptor):
    def workflow_interceptor_class(
        self, input: worker.WorkflowInterceptorClassInput
    ) -> type[worker.WorkflowInboundInterceptor]:
        return _Inbound


class _Inbound(worker.WorkflowInboundInterceptor):
    async def handle_update_handler(self, input: worker.HandleUpdateInput) -> Any:
        result = await super().handle_update_handler(input)
        if input.id not in failed:
            failed.add(input.id)
            raise RuntimeError("the task's completion is lost")  # fails the task, not the Update
        return result
