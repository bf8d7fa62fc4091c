"""Schemathesis over `/openapi.json`, as each of three people: nobody signed in, a lead and
the coordinator. Valid and invalid input alike (NULs, huge numbers, odd ids, wrong types),
sent to the app on the real PostgreSQL, Temporal and SMTP servers: no answer may be a 5xx.

How many cases each role ran, and how many 5xx, is printed at the end (`pytest -s`) and kept
in `schemathesis.txt` under pytest's base temporary directory.
"""

import uuid
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi

from settings import Settings
from tests.workflows.bid_support import add_members
from web.app import create_app
from web.auth import Viewer, session_value

ROLES = ("anonymous", "lead", "coordinator")
EXAMPLES = 200  # per operation and role: 8 operations x 3 roles in about a minute
TALLY: dict[str, Counter] = {role: Counter() for role in ROLES}

# The schema is read when the tests are collected, before any server runs, from the same
# code with settings that reach nothing; every case is then sent to the app of `api_app`.
# (schemathesis' `from_fixture` would read it from that app, but it fails on pytest 9.)
_UNSERVED = Settings(
    _env_file=None,
    database_url=SecretStr("postgresql://nobody@127.0.0.1:1/none"),
    secret_key=SecretStr("only-for-reading-the-schema"),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_UNSERVED))
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    allow_x00=True,
)


@pytest.fixture(scope="module")
async def lead_id(sessions) -> str:
    """A full member willing to lead: a lead whose session is live, who may start bids."""
    ids = await add_members(sessions, uuid.uuid4().hex[:8], "wellbeing", {"alpha": {"lead": True}})
    return ids["alpha"]


@pytest.fixture(scope="module")
def served(settings, dev_env) -> Settings:
    address = dev_env.client.service_client.config.target_host
    queue = f"tq-{uuid.uuid4()}"  # no worker: the ids the generator makes name no bid anyway
    return settings.model_copy(update={"temporal_address": address, "temporal_task_queue": queue})


@pytest.fixture(scope="module")
def api_app(served):
    """The app on the real servers. Schemathesis runs it in an event loop of its own, where
    it makes its own Temporal client and database connections."""
    yield create_app(served)
    asgi.shutdown_lifespans()  # closes its engine and mailer, in that loop


@pytest.fixture(scope="module")
def headers(served, lead_id) -> dict[str, dict[str, str]]:
    lead = Viewer(email=f"{lead_id}@example.org", role="lead", organisation_id=lead_id)
    coordinator = Viewer(email=served.coordinator_email, role="coordinator")
    bearer = {
        role: {"Authorization": f"Bearer {session_value(served, viewer)}"}
        for role, viewer in (("lead", lead), ("coordinator", coordinator))
    }
    return {"anonymous": {}, **bearer}


@pytest.fixture(scope="module", autouse=True)
def report(tmp_path_factory):
    yield
    lines = [
        f"schemathesis: role={role} cases={TALLY[role]['cases']} 5xx={TALLY[role]['5xx']}"
        for role in ROLES
    ]
    print("\n" + "\n".join(lines))
    (tmp_path_factory.getbasetemp() / "schemathesis.txt").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_input_from_anyone_gets_a_server_error(case, role, api_app, headers):
    TALLY[role]["cases"] += 1
    try:
        response = case.call(app=api_app, headers=headers[role])
    except Exception:  # an error that escaped the app: a 500 as the server would answer it
        TALLY[role]["5xx"] += 1
        raise
    TALLY[role]["5xx"] += response.status_code >= 500
    case.validate_response(response, checks=[not_a_server_error])
