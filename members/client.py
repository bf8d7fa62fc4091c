"""The client side of membership: start an organisation's membership workflow, send its
answers (proforma, renewal update, override, leave, a changed framework), show it."""

from typing import Any

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from models.bid import RESERVED_ACTORS
from models.entry_criteria import unknown_criteria
from models.framework import Framework, load_framework
from models.limits import Identifier, checked
from models.membership import (
    Assessment,
    BoundedProforma,
    FrameworkAdoption,
    Leave,
    MembershipInput,
    MembershipState,
    Override,
    Proforma,
    membership_workflow_id,
)
from settings import Settings
from workflows.membership import MembershipWorkflow


class ReservedId(ValueError):
    """An organisation id a bid reads as a role (the coordinator, the local authority)."""


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
        self.task_queue = task_queue or settings.temporal_task_queue
        self.framework = framework or load_framework(settings.framework_file)
        unknown = unknown_criteria(self.framework)
        if unknown:  # the workflow could not assess against them: refuse here, not there
            raise ValueError(f"the framework names unknown entry criteria: {', '.join(unknown)}")

    def handle(self, organisation_id: str) -> WorkflowHandle:
        return self._client.get_workflow_handle_for(
            MembershipWorkflow.run, membership_workflow_id(organisation_id)
        )

    async def start(self, organisation_id: str) -> WorkflowHandle:
        """The organisation's running membership workflow, started if there is none. An id
        that could not be a row of `organisations` raises `ValidationError`: nothing starts."""
        checked("organisation_id", Identifier, organisation_id)
        if organisation_id.lower() in RESERVED_ACTORS:
            raise ReservedId(
                f"'{organisation_id}' cannot be an organisation's id: bids use it for the "
                "coordinator or the local authority. Give the organisation another id."
            )
        return await self._client.start_workflow(
            MembershipWorkflow.run,
            MembershipInput(
                organisation_id=organisation_id,
                framework=self.framework,
                coordinator_email=self._settings.coordinator_email,
                public_url=self._settings.public_url,
            ),
            id=membership_workflow_id(organisation_id),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def submit(self, organisation_id: str, proforma: Proforma) -> Assessment:
        """Join, or resubmit after signposting: the assessment comes back at once. A proforma
        beyond its limits raises `ValidationError` before anything starts."""
        bounded = bounded_proforma(proforma)
        handle = await self.start(organisation_id)
        return await handle.execute_update(MembershipWorkflow.submit_proforma, bounded)

    async def update(self, organisation_id: str, proforma: Proforma) -> Assessment:
        """A member's renewal or change of details."""
        bounded = bounded_proforma(proforma)
        return await self._answer(organisation_id, MembershipWorkflow.update_proforma, bounded)

    async def override(self, organisation_id: str, override: Override) -> MembershipState:
        return await self._answer(organisation_id, MembershipWorkflow.override, override)

    async def leave(self, organisation_id: str, leave: Leave) -> MembershipState:
        return await self._answer(organisation_id, MembershipWorkflow.leave, leave)

    async def adopt_framework(self, organisation_id: str, by: str = "coordinator") -> None:
        """Hand this client's framework (from the settings' file) to a running membership."""
        adoption = FrameworkAdoption(framework=self.framework, by=by)
        await self._answer(organisation_id, MembershipWorkflow.adopt_framework, adoption)

    async def running(self) -> list[str]:
        """The organisations whose membership workflow is running (needs a visibility store)."""
        query = 'WorkflowType = "MembershipWorkflow" AND ExecutionStatus = "Running"'
        prefix = membership_workflow_id("")
        return [w.id.removeprefix(prefix) async for w in self._client.list_workflows(query)]

    async def _answer(self, organisation_id: str, update: Any, answer: BaseModel) -> Any:
        handle = self.handle(organisation_id)
        try:
            return await handle.execute_update(update, answer)
        except RPCError:
            # A membership that ended (left) or never began takes no answers: say which.
            try:
                status = (await handle.describe()).status
            except RPCError:
                raise NoMembership(f"{organisation_id} has never sent a proforma.") from None
            if status != WorkflowExecutionStatus.RUNNING:
                raise NoMembership(
                    f"{organisation_id} has left the framework: it may submit a new proforma."
                ) from None
            raise

    async def state(self, organisation_id: str) -> MembershipState:
        return await self.handle(organisation_id).query(MembershipWorkflow.state)


def bounded_proforma(proforma: Proforma) -> BoundedProforma:
    """The proforma checked against its limits (the workflow could not store it otherwise);
    a `ProformaForm` has been checked already."""
    if isinstance(proforma, BoundedProforma):
        return proforma
    return BoundedProforma.model_validate(proforma.model_dump())


class NoMembership(Exception):
    """An answer for an organisation whose membership is not running."""


def refusal(error: WorkflowUpdateFailedError) -> str:
    """The reason a workflow gave for refusing an answer, for a person to read."""
    cause = error.cause
    return getattr(cause, "message", None) or str(cause or error)
