"""`consortia member ...`: a membership's answers from the command line, JSON in and out,
checked at the edge as the workflow will check them."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from temporalio.client import (
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError

from members.client import MemberClient, NoMembership, ReservedId, refusal
from models.directory import (
    MemberMatch,
)
from models.entry_criteria import proforma_problems
from models.framework import Framework, load_framework
from models.limits import Identifier, checked, one_line
from models.membership import (
    Assessment,
    ContactPerson,
    Leave,
    MembershipState,
    Override,
    PastWork,
    ProformaForm,
)
from settings import Settings
from starter import connect

member_app = typer.Typer(
    help="Framework membership and the member directory.", no_args_is_help=True
)
JSON_OUT = typer.Option(False, "--json", help="Print JSON instead of text.")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _read_proforma(path: Path, framework: Framework) -> ProformaForm:
    """The proforma in a JSON file, checked at the edge as the workflow will check it."""
    try:
        proforma = ProformaForm.model_validate_json(path.read_bytes())
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")
    except ValidationError as error:
        fail(f"the proforma is not valid: {one_line(error)}")
    problems = proforma_problems(proforma, framework, date.today())
    if problems:
        fail("the proforma is not valid:\n" + "\n".join(f"  - {p}" for p in problems))
    return proforma


def organisation(organisation_id: str) -> str:
    """An organisation id from the command line, refused unless it is a safe id."""
    try:
        return checked("organisation_id", Identifier, organisation_id)
    except ValidationError as error:
        fail(one_line(error))


def framework() -> Framework:
    """The framework file the settings name (FRAMEWORK_FILE), or the default."""
    path = Settings().framework_file
    try:
        return load_framework(path)
    except OSError as error:
        fail(f"cannot read the framework file {path}: {error.strerror}")
    except ValidationError as error:
        fail(f"the framework file {path} is not valid: {one_line(error)}")


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:64]


def _run(work: Callable[[MemberClient], Awaitable[BaseModel | list]]) -> Any:
    """Connect, run one client call, and turn a refused answer into a clear message."""

    async def main() -> Any:
        settings = Settings()
        members = MemberClient(await connect(settings), settings)
        return await work(members)

    try:
        return asyncio.run(main())
    except WorkflowUpdateFailedError as error:
        fail(refusal(error), 1)
    except NoMembership as error:
        fail(str(error), 1)
    except RPCError as error:
        fail(error.message, 1)
    except ValidationError as error:  # the client checks what it sends, whoever calls it
        fail(one_line(error))
    except ReservedId as error:
        fail(str(error))


def print_result(result: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    if as_json:
        adapter = TypeAdapter(type(result) if not isinstance(result, list) else list[MemberMatch])
        typer.echo(adapter.dump_json(result, indent=2).decode())
    else:
        typer.echo(text(result))


def _assessment_text(assessment: Assessment) -> str:
    lines = [f"outcome: {assessment.outcome}"]
    for item in assessment.missing:
        helper = f" (help: {item.signpost})" if item.signpost else ""
        lines.append(f"  missing: {item.description}{helper}")
    return "\n".join(lines)


def _state_text(state: MembershipState) -> str:
    name = state.proforma.name if state.proforma else state.organisation_id
    lines = [f"{name}: {state.status} (proformas received: {state.submissions})"]
    if state.suspended_reason:
        lines.append(f"  suspended: {state.suspended_reason}")
    if state.override_reason:
        lines.append(f"  override: {state.override_reason}")
    return "\n".join(lines)


@member_app.command("submit")
def submit_command(
    proforma_file: Path = typer.Argument(..., help="The proforma, as JSON."),
    organisation_id: str | None = typer.Option(None, "--id", help="Default: from the name."),
    as_json: bool = JSON_OUT,
) -> None:
    """Submit (or, after signposting, resubmit) a membership proforma; prints the assessment."""
    proforma = _read_proforma(proforma_file, framework())
    org = organisation(organisation_id or _slug(proforma.name))
    assessment = _run(lambda members: members.submit(org, proforma))
    print_result(assessment, as_json, lambda a: f"{org}\n{_assessment_text(a)}")


@member_app.command("example")
def example_command() -> None:
    """Print an example proforma to fill in (JSON), for `member submit`."""
    today = date.today()
    example = ProformaForm(
        name="Stanley Youth Project",
        legal_form="charity",
        charity_number="1100001",
        address="Front Street, Stanley",
        locality="Derwentside",
        localities_served=["Derwentside"],
        contacts=[ContactPerson(name="Ann Lee", email="ann@example.org", role="Chair")],
        annual_turnover=Decimal(95_000),
        staff=4,
        volunteers=18,
        themes=["young people"],
        safeguarding_policy=True,
        safeguarding_review_due=today.replace(year=today.year + 1, day=1),
        dbs_checks=True,
        dbs_expires=today.replace(year=today.year + 2, day=1),
        insurance_expires=today.replace(year=today.year + 1, day=1),
        accounts_year_end=_last_march_31(today),
        track_record=[PastWork(funder="Durham County Council", title="Youth club", year=2025)],
    )
    typer.echo(example.model_dump_json(indent=2))


def _last_march_31(today: date) -> date:
    this_year = today.replace(month=3, day=31)
    return this_year if this_year < today else this_year.replace(year=today.year - 1)


@member_app.command("resubmit")
def resubmit_command(
    organisation_id: str = typer.Argument(...),
    proforma_file: Path = typer.Argument(..., help="The proforma, as JSON."),
    as_json: bool = JSON_OUT,
) -> None:
    """Resubmit a signposted organisation's proforma."""
    org = organisation(organisation_id)
    proforma = _read_proforma(proforma_file, framework())
    assessment = _run(lambda members: members.submit(org, proforma))
    print_result(assessment, as_json, _assessment_text)


@member_app.command("update")
def update_command(
    organisation_id: str = typer.Argument(...),
    proforma_file: Path = typer.Argument(..., help="The proforma, as JSON."),
    as_json: bool = JSON_OUT,
) -> None:
    """A member's renewal: new safeguarding review or insurance dates, or changed details."""
    proforma = _read_proforma(proforma_file, framework())
    assessment = _run(lambda members: members.update(organisation_id, proforma))
    print_result(assessment, as_json, _assessment_text)


@member_app.command("show")
def show_command(organisation_id: str = typer.Argument(...), as_json: bool = JSON_OUT) -> None:
    """An organisation's membership as its workflow holds it."""
    print_result(_run(lambda members: members.state(organisation_id)), as_json, _state_text)


@member_app.command("override")
def override_command(
    organisation_id: str = typer.Argument(...),
    status: str = typer.Option(..., help="full, associate, signposted or suspended."),
    reason: str = typer.Option(..., help="Why: kept in the audit log."),
    by: str = typer.Option("coordinator", help="Who decided."),
    as_json: bool = JSON_OUT,
) -> None:
    """The coordinator overrides an assessment, with a reason."""
    try:
        override = Override.model_validate({"status": status, "reason": reason, "by": by})
    except ValidationError as error:
        fail(f"the override is not valid: {one_line(error)}")
    state = _run(lambda members: members.override(organisation_id, override))
    print_result(state, as_json, _state_text)


@member_app.command("leave")
def leave_command(
    organisation_id: str = typer.Argument(...),
    reason: str = typer.Option("", help="Why, if the member said."),
    by: str = typer.Option("member", help="Who asked."),
    as_json: bool = JSON_OUT,
) -> None:
    """The organisation leaves the framework; its history stays."""
    try:
        leave = Leave(reason=reason, by=by)
    except ValidationError as error:
        fail(f"the request to leave is not valid: {one_line(error)}")
    state = _run(lambda members: members.leave(organisation_id, leave))
    print_result(state, as_json, _state_text)


@member_app.command("adopt-framework")
def adopt_framework_command(
    organisation_ids: list[str] = typer.Argument(None, help="Default: every running membership."),
    by: str = typer.Option("coordinator", help="Who changed it."),
) -> None:
    """Running memberships follow the framework file (FRAMEWORK_FILE) from now on."""

    async def adopt(members: MemberClient) -> list[str]:
        ids = organisation_ids or await members.running()
        for org in ids:
            await members.adopt_framework(org, by)
        return ids

    ids = _run(adopt)
    typer.echo(f"{len(ids)} memberships follow {framework().name}")
