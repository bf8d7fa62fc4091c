"""The client side of membership: start an organisation's membership workflow, send its
answers (proforma, renewal update, override, leave), show it; and `consortia member ...`."""

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy

from models.framework import Framework, load_framework
from models.membership import (
    Assessment,
    Leave,
    MembershipInput,
    MembershipState,
    Override,
    Proforma,
    membership_workflow_id,
)
from settings import Settings
from workflows.membership import MembershipWorkflow


class MemberClient:
    """Membership answers over Temporal; the framework comes from the settings."""

    def __init__(
        self,
        client: Client,
        settings: Settings,
        task_queue: str | None = None,
        framework: Framework | None = None,
    ) -> None:
        self._client = client
        self._settings = settings
        self._task_queue = task_queue or settings.temporal_task_queue
        self.framework = framework or load_framework(settings.framework_file)

    def handle(self, organisation_id: str) -> WorkflowHandle:
        return self._client.get_workflow_handle_for(
            MembershipWorkflow.run, membership_workflow_id(organisation_id)
        )

    async def start(self, organisation_id: str) -> WorkflowHandle:
        """The organisation's running membership workflow, started if there is none."""
        return await self._client.start_workflow(
            MembershipWorkflow.run,
            MembershipInput(
                organisation_id=organisation_id,
                framework=self.framework,
                coordinator_email=self._settings.coordinator_email,
            ),
            id=membership_workflow_id(organisation_id),
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def submit(self, organisation_id: str, proforma: Proforma) -> Assessment:
        """Join, or resubmit after signposting: the assessment comes back at once."""
        handle = await self.start(organisation_id)
        return await handle.execute_update(MembershipWorkflow.submit_proforma, proforma)

    async def update(self, organisation_id: str, proforma: Proforma) -> Assessment:
        """A member's renewal or change of details."""
        return await self.handle(organisation_id).execute_update(
            MembershipWorkflow.update_proforma, proforma
        )

    async def override(self, organisation_id: str, override: Override) -> MembershipState:
        return await self.handle(organisation_id).execute_update(
            MembershipWorkflow.override, override
        )

    async def leave(self, organisation_id: str, leave: Leave) -> MembershipState:
        return await self.handle(organisation_id).execute_update(MembershipWorkflow.leave, leave)

    async def state(self, organisation_id: str) -> MembershipState:
        return await self.handle(organisation_id).query(MembershipWorkflow.state)


def refusal(error: WorkflowUpdateFailedError) -> str:
    """The reason a workflow gave for refusing an answer, for a person to read."""
    cause = error.cause
    return getattr(cause, "message", None) or str(cause or error)
