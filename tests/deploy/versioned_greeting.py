"""The smallest workflow a versioned worker can run, for the worker-versioning test."""

from temporalio import workflow


@workflow.defn
class GreetingWorkflow:
    @workflow.run
    async def run(self, name: str) -> str:
        return f"Hello, {name}"
