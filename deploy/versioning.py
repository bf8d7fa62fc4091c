"""Worker versioning: each release's workers are one build of a Temporal worker deployment.

Opt-in: with `WORKER_DEPLOYMENT_NAME` and `WORKER_BUILD_ID` set, a worker polls as build
`WORKER_BUILD_ID` of that deployment and takes tasks only once the build is made current
(`temporal worker deployment set-current-version`). Unset, it polls unversioned, as the
development server and the tests run it.

Workflows auto-upgrade: bids run for months, so a build pinned to them would have to run
until the last of them ends. A bid moves to the current build at its next workflow task,
which is safe because every change that alters commands is patched (README, "Changing a
running workflow") and `consortia replay` proves it on the running bids before the rollout.
What versioning adds is the switch: a new build takes no task until it is made current, a
ramp can send part of the work first, and making the old build current again rolls back.
"""

from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import WorkerDeploymentConfig

from settings import SettingMissing, Settings


def deployment_config(settings: Settings) -> WorkerDeploymentConfig | None:
    """The worker's deployment and build, or None when versioning is off."""
    name, build = settings.worker_deployment_name, settings.worker_build_id
    if name is None and build is None:
        return None
    if not name or not build:
        raise SettingMissing("set both WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID, or neither")
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment_name=name, build_id=build),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE,
    )
