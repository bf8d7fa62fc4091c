"""Worker versioning, opt-in (deploy/versioning.py): with a deployment name and build id the
worker polls as that build; once the build is made current on the dev server, workflows run
on it and auto-upgrade. Unset, the worker is unversioned."""

import uuid
from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import VersioningBehavior
from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest
from temporalio.service import RPCError
from temporalio.worker import Worker

from deploy.versioning import deployment_config
from settings import SettingMissing
from tests.deploy.versioned_greeting import GreetingWorkflow
from tests.helpers import wait_until


async def test_a_versioned_worker_runs_workflows_once_its_build_is_current(
    dev_env, settings, task_queue
):
    name = f"consortia-{uuid.uuid4().hex[:8]}"
    versioned = settings.model_copy(
        update={"worker_deployment_name": name, "worker_build_id": "release-1"}
    )
    client = dev_env.client
    config = deployment_config(versioned)
    async with Worker(
        client, task_queue=task_queue, workflows=[GreetingWorkflow], deployment_config=config
    ):

        async def made_current() -> bool:  # the build exists once its worker has polled
            try:
                await client.workflow_service.set_worker_deployment_current_version(
                    SetWorkerDeploymentCurrentVersionRequest(
                        namespace=client.namespace, deployment_name=name, build_id="release-1"
                    )
                )
            except RPCError:
                return False
            return True

        await wait_until(made_current, within=30, interval=0.5)
        handle = await client.start_workflow(
            GreetingWorkflow.run,
            "Durham",
            id=f"greet-{task_queue}",
            task_queue=task_queue,
            execution_timeout=timedelta(minutes=1),
        )
        assert await handle.result() == "Hello, Durham"
    info = (await handle.describe()).raw_description.workflow_execution_info.versioning_info
    assert info.behavior == VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE
    assert info.deployment_version.build_id == "release-1"


def test_versioning_is_off_unless_both_settings_are_given(settings):
    assert deployment_config(settings) is None
    with pytest.raises(SettingMissing, match="WORKER_BUILD_ID"):
        deployment_config(settings.model_copy(update={"worker_deployment_name": "consortia"}))
