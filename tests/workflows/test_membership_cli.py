"""`consortia member ...` against the real servers: a proforma file submitted and shown,
bad input refused at the edge with nothing started, an override and the directory list."""

import asyncio
import json
from datetime import timedelta

import pytest
from pydantic import ValidationError
from temporalio.service import RPCError
from typer.testing import CliRunner

from cli import app
from tests.workflows.test_membership import (
    audit,
    membership_worker,
    new_org,
    organisation,
    ready_proforma,
    today,
)


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


@pytest.fixture
async def cli(env, settings, sessions, task_queue, monkeypatch):
    """Runs the CLI in a thread (it runs its own event loop) against the test servers."""
    monkeypatch.setenv("TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_TASK_QUEUE", task_queue)
    monkeypatch.setenv("DATABASE_URL", settings.database_url.get_secret_value())
    runner = CliRunner()
    async with membership_worker(env, settings, sessions, task_queue) as members:

        async def run(*args: str):
            return await asyncio.to_thread(runner.invoke, app, ["member", *args])

        run.members = members  # type: ignore[attr-defined]
        yield run


def proforma_file(tmp_path, proforma, **overrides) -> str:
    """The proforma as a file; DBS checks with a renewal date, as the CLI asks for one."""
    path = tmp_path / "proforma.json"
    data = proforma.model_dump(mode="json")
    if data["dbs_checks"] and data["dbs_expires"] is None:
        data["dbs_expires"] = "2099-01-01"
    path.write_text(json.dumps({**data, **overrides}))
    return str(path)


async def test_a_proforma_file_is_submitted_assessed_and_shown(
    cli, env, sessions, tmp_path, mailbox
):
    org = new_org()
    cli.members.started.add(org)
    proforma = ready_proforma(org, await today(env), track_record=[])

    submitted = await cli("submit", proforma_file(tmp_path, proforma), "--id", org, "--json")

    assert submitted.exit_code == 0, submitted.output
    assert json.loads(submitted.output)["outcome"] == "associate"
    assert (await organisation(sessions, org)).status == "associate"
    assert len(mailbox.to(f"ann@{org}.example.org")) == 1
    shown = await cli("show", org)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"{proforma.name}: associate (proformas received: 1)")
    listed = await cli("list", "--name", org, "--json")
    assert [m["organisation_id"] for m in json.loads(listed.output)] == [org]
    # A theme and a locality in any case, or by a synonym, are the framework's.
    listed = await cli("list", "--name", org, "--theme", "Youth", "--locality", "stanley", "--json")
    assert [m["organisation_id"] for m in json.loads(listed.output)] == [org]


async def test_a_missing_charity_number_is_refused_at_the_edge_and_nothing_starts(
    cli, env, sessions, tmp_path
):
    org = new_org()
    proforma = ready_proforma(org, await today(env))

    refused = await cli(
        "submit", proforma_file(tmp_path, proforma, charity_number=None), "--id", org
    )

    assert refused.exit_code == 2
    assert "A charity needs its charity number: it is missing." in refused.output
    with pytest.raises(RPCError):
        await cli.members.handle(org).describe()
    assert await organisation(sessions, org) is None


async def test_an_insurance_date_in_the_past_and_an_unknown_locality_are_both_named(
    cli, env, tmp_path
):
    org = new_org()
    day = await today(env)
    proforma = ready_proforma(org, day, localities_served=["Gateshead"])
    past = str(day - timedelta(days=400))

    refused = await cli(
        "submit", proforma_file(tmp_path, proforma, insurance_expires=past), "--id", org
    )

    assert refused.exit_code == 2
    assert "'Gateshead' is not a locality of County Durham consortia framework." in refused.output
    assert "insurance expiry date" in refused.output and "is in the past" in refused.output


async def test_an_override_from_the_cli_needs_a_known_status_and_keeps_the_reason(
    cli, env, sessions, tmp_path
):
    org = new_org()
    cli.members.started.add(org)
    proforma = ready_proforma(org, await today(env), dbs_checks=False)
    assert (await cli("submit", proforma_file(tmp_path, proforma), "--id", org)).exit_code == 0

    wrong = await cli("override", org, "--status", "gold", "--reason", "x")
    done = await cli("override", org, "--status", "associate", "--reason", "DBS seen")
    again = await cli("override", org, "--status", "associate", "--reason", "DBS seen")

    assert wrong.exit_code == 2 and "status" in wrong.output
    assert done.exit_code == 0, done.output
    assert "override: DBS seen" in done.output
    assert again.exit_code == 1
    assert "This organisation is already associate." in again.output
    assert [e.action for e in await audit(sessions, org)] == [
        "proforma_submitted",
        "assessment_overridden",
    ]


async def test_leaving_an_organisation_that_never_applied_says_so(cli):
    org = new_org()

    result = await cli("leave", org)

    assert result.exit_code == 1
    assert f"{org} has never sent a proforma." in result.output


async def test_the_example_proforma_is_valid_and_admits_a_full_member(cli, tmp_path):
    org = new_org()
    cli.members.started.add(org)
    example = await cli("example")
    path = tmp_path / "example.json"
    path.write_text(example.output)

    submitted = await cli("submit", str(path), "--id", org)

    assert submitted.exit_code == 0, submitted.output
    assert submitted.output == f"{org}\noutcome: full\n"


async def refused_and_nothing_started(cli, sessions, org: str, *args: str):
    """Runs the command (a minute at most: an answer the worker cannot store would hang) and
    checks that no membership started and nothing was written."""
    cli.members.started.add(org)  # ended after the test, should one have started after all
    result = await asyncio.wait_for(cli(*args), timeout=60)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    with pytest.raises(RPCError):
        await cli.members.handle(org).describe()
    if "\x00" not in org:  # PostgreSQL cannot even look one up
        assert await organisation(sessions, org) is None
    return result.output


async def test_a_megabyte_name_is_refused_in_one_line_and_nothing_starts(
    cli, env, sessions, tmp_path
):
    org = new_org()
    proforma = ready_proforma(org, await today(env))
    path = proforma_file(tmp_path, proforma, name="N" * 1_000_000)

    output = await refused_and_nothing_started(cli, sessions, org, "submit", path, "--id", org)

    assert output == (
        "error: the proforma is not valid: name: String should have at most 200 characters\n"
    )


async def test_a_line_break_in_an_email_address_is_refused_and_nothing_starts(
    cli, env, sessions, tmp_path
):
    org = new_org()
    proforma = ready_proforma(org, await today(env))
    contact = {"name": "Ann Lee", "email": "ann@example.org\r\nBcc: all@example.org"}
    path = proforma_file(tmp_path, proforma, contacts=[contact])

    output = await refused_and_nothing_started(cli, sessions, org, "submit", path, "--id", org)

    assert output.startswith("error: the proforma is not valid: contacts.0.email: is not an e-mail")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"track_record": [{"funder": "Council", "year": -5}]}, "track_record.0.year: Input"),
        ({"annual_turnover": "1E+999999999"}, "annual_turnover: Input should be less than"),
        ({"staff": 10**20}, "staff: Input should be less than or equal to 10000000"),
        ({"address": "Front St\u0000"}, "address: must not contain the control character U+0000"),
    ],
    ids=["year-minus-5", "turnover", "staff", "nul"],
)
async def test_a_proforma_out_of_bounds_is_refused_naming_the_field(
    cli, env, sessions, tmp_path, change, said
):
    org = new_org()
    path = proforma_file(tmp_path, ready_proforma(org, await today(env)), **change)

    output = await refused_and_nothing_started(cli, sessions, org, "submit", path, "--id", org)

    assert output.startswith(f"error: the proforma is not valid: {said}")


async def test_an_organisation_id_that_no_row_could_hold_is_refused(cli, env, sessions, tmp_path):
    path = proforma_file(tmp_path, ready_proforma(new_org(), await today(env)))

    for org in ("o" * 65, "org one", "org\u0000"):
        output = await refused_and_nothing_started(cli, sessions, org, "submit", path, "--id", org)
        assert output.startswith("error: organisation_id: ")


async def test_the_client_refuses_a_proforma_beyond_its_limits_before_starting(cli, env, sessions):
    org = new_org()
    cli.members.started.add(org)
    proforma = ready_proforma(org, await today(env), name="N" * 1_000_000)

    with pytest.raises(ValidationError, match="at most 200 characters"):
        await asyncio.wait_for(cli.members.submit(org, proforma), timeout=60)
    with pytest.raises(RPCError):
        await cli.members.handle(org).describe()


async def test_an_organisation_cannot_take_the_coordinators_id(cli, env, sessions, tmp_path):
    """A bid reads the actor "coordinator" as the coordinator: an organisation with that id
    would answer for the coordinator once its lead signed in. Refused, nothing starts."""
    proforma = ready_proforma(new_org(), await today(env))
    for reserved in ("coordinator", "Local-Authority"):
        refused = await cli("submit", proforma_file(tmp_path, proforma), "--id", reserved)
        assert refused.exit_code == 2, refused.output
        assert "cannot be an organisation's id" in refused.output
        with pytest.raises(RPCError):
            await cli.members.handle(reserved).describe()
