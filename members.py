"""The client side of membership: start an organisation's membership workflow, send its
answers (proforma, renewal update, override, leave), show it; and `consortia member ...`."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

import database
from activities.directory import DirectoryActivities
from activities.members import MemberActivities
from models.directory import (
    CountsInput,
    DirectoryCounts,
    DirectorySearch,
    FrameworkFigures,
    KnownProvider,
    MemberMatch,
)
from models.entry_criteria import proforma_problems, unknown_criteria
from models.framework import Framework, load_framework
from models.membership import (
    Assessment,
    ContactPerson,
    FrameworkAdoption,
    Leave,
    MembershipInput,
    MembershipState,
    Override,
    PastWork,
    Proforma,
    ProformaForm,
    membership_workflow_id,
)
from settings import Settings
from starter import connect
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
        """The organisation's running membership workflow, started if there is none."""
        return await self._client.start_workflow(
            MembershipWorkflow.run,
            MembershipInput(
                organisation_id=organisation_id,
                framework=self.framework,
                coordinator_email=self._settings.coordinator_email,
            ),
            id=membership_workflow_id(organisation_id),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )

    async def submit(self, organisation_id: str, proforma: Proforma) -> Assessment:
        """Join, or resubmit after signposting: the assessment comes back at once."""
        handle = await self.start(organisation_id)
        return await handle.execute_update(MembershipWorkflow.submit_proforma, proforma)

    async def update(self, organisation_id: str, proforma: Proforma) -> Assessment:
        """A member's renewal or change of details."""
        return await self._answer(organisation_id, MembershipWorkflow.update_proforma, proforma)

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


class NoMembership(Exception):
    """An answer for an organisation whose membership is not running."""


def refusal(error: WorkflowUpdateFailedError) -> str:
    """The reason a workflow gave for refusing an answer, for a person to read."""
    cause = error.cause
    return getattr(cause, "message", None) or str(cause or error)


# `consortia member ...` -------------------------------------------------------------------

member_app = typer.Typer(
    help="Framework membership and the member directory.", no_args_is_help=True
)
JSON_OUT = typer.Option(False, "--json", help="Print JSON instead of text.")


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _read_proforma(path: Path, framework: Framework) -> ProformaForm:
    """The proforma in a JSON file, checked at the edge as the workflow will check it."""
    try:
        proforma = ProformaForm.model_validate_json(path.read_text())
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror}")
    except ValidationError as error:
        _fail("the proforma is not valid:\n" + _errors(error))
    problems = proforma_problems(proforma, framework, date.today())
    if problems:
        _fail("the proforma is not valid:\n" + "\n".join(f"  - {p}" for p in problems))
    return proforma


def _errors(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "proforma"
        lines.append(f"  - {where}: {item['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


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
        _fail(refusal(error), 1)
    except NoMembership as error:
        _fail(str(error), 1)
    except RPCError as error:
        _fail(error.message, 1)


def _read(work: Callable[[DirectoryActivities], Awaitable[Any]]) -> Any:
    """Run one directory read against DATABASE_URL."""

    async def main() -> Any:
        engine = database.make_engine(Settings())
        try:
            return await work(DirectoryActivities(database.make_sessions(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _print(result: Any, as_json: bool, text: Callable[[Any], str]) -> None:
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
    framework = load_framework(Settings().framework_file)
    proforma = _read_proforma(proforma_file, framework)
    org = organisation_id or _slug(proforma.name)
    assessment = _run(lambda members: members.submit(org, proforma))
    _print(assessment, as_json, lambda a: f"{org}\n{_assessment_text(a)}")


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
    proforma = _read_proforma(proforma_file, load_framework(Settings().framework_file))
    assessment = _run(lambda members: members.submit(organisation_id, proforma))
    _print(assessment, as_json, _assessment_text)


@member_app.command("update")
def update_command(
    organisation_id: str = typer.Argument(...),
    proforma_file: Path = typer.Argument(..., help="The proforma, as JSON."),
    as_json: bool = JSON_OUT,
) -> None:
    """A member's renewal: new safeguarding review or insurance dates, or changed details."""
    proforma = _read_proforma(proforma_file, load_framework(Settings().framework_file))
    assessment = _run(lambda members: members.update(organisation_id, proforma))
    _print(assessment, as_json, _assessment_text)


@member_app.command("show")
def show_command(organisation_id: str = typer.Argument(...), as_json: bool = JSON_OUT) -> None:
    """An organisation's membership as its workflow holds it."""
    _print(_run(lambda members: members.state(organisation_id)), as_json, _state_text)


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
        _fail("the override is not valid:\n" + _errors(error))
    state = _run(lambda members: members.override(organisation_id, override))
    _print(state, as_json, _state_text)


@member_app.command("leave")
def leave_command(
    organisation_id: str = typer.Argument(...),
    reason: str = typer.Option("", help="Why, if the member said."),
    by: str = typer.Option("member", help="Who asked."),
    as_json: bool = JSON_OUT,
) -> None:
    """The organisation leaves the framework; its history stays."""
    state = _run(lambda members: members.leave(organisation_id, Leave(reason=reason, by=by)))
    _print(state, as_json, _state_text)


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
    typer.echo(f"{len(ids)} memberships follow {load_framework(Settings().framework_file).name}")


@member_app.command("list")
def list_command(
    theme: str | None = typer.Option(None),
    locality: str | None = typer.Option(None),
    size: str | None = typer.Option(None, help="micro, small, medium, large or major."),
    lead: bool | None = typer.Option(None, "--lead/--no-lead", help="Willing to lead or not."),
    status: list[str] = typer.Option(["full", "associate"], help="Repeat for several."),
    name: str | None = typer.Option(None, help="Part of the name."),
    as_json: bool = JSON_OUT,
) -> None:
    """Search the directory of members."""
    try:
        search = DirectorySearch.model_validate(
            {"theme": theme, "locality": locality, "size": size, "willing_to_lead": lead}
            | {"statuses": status, "name": name}
        )
    except ValidationError as error:
        _fail("the search is not valid:\n" + _errors(error))
    found = _read(lambda directory: directory.search_members(search))
    _print(found, as_json, lambda rows: "\n".join(_member_line(m) for m in rows) or "no members")


def _member_line(m: MemberMatch) -> str:
    lead = ", willing to lead" if m.willing_to_lead else ""
    where = ", ".join(m.localities or ([m.locality] if m.locality else []))
    return f"{m.organisation_id}  {m.name} [{m.status}{lead}] {where}: {', '.join(m.themes)}"


@member_app.command("counts")
def counts_command(as_json: bool = JSON_OUT) -> None:
    """Active members by theme and locality, and where the gaps are."""
    framework = load_framework(Settings().framework_file)
    wanted = CountsInput(themes=framework.themes, localities=framework.localities)
    counts = _read(lambda directory: directory.count_members(wanted))
    _print(counts, as_json, _counts_text)


def _counts_text(counts: DirectoryCounts) -> str:
    lines = [f"active members: {counts.active_members}", "by theme:"]
    lines += [f"  {theme}: {n}" for theme, n in counts.by_theme.items()]
    lines += ["by locality:"] + [f"  {place}: {n}" for place, n in counts.by_locality.items()]
    lines.append(f"gaps: {', '.join(counts.theme_gaps + counts.locality_gaps) or 'none'}")
    return "\n".join(lines)


@member_app.command("figures")
def figures_command(as_json: bool = JSON_OUT) -> None:
    """The framework's measures of success."""
    figures = _read(lambda directory: directory.figures())
    _print(figures, as_json, _figures_text)


def _figures_text(f: FrameworkFigures) -> str:
    share = "no list loaded" if f.percent_signed_up is None else f"{f.percent_signed_up}%"
    return "\n".join(
        [
            f"members signed up: {f.members}  waiting: {f.waiting}",
            f"known providers signed up: {f.known_providers_signed_up} of "
            f"{f.known_providers} ({share})",
            f"bids started: {f.bids_started}  submitted: {f.bids_submitted}  "
            f"won: {f.bids_won}  value won: £{f.value_won:,.2f}",
        ]
    )


@member_app.command("providers")
def providers_command(
    providers_file: Path = typer.Argument(..., help='JSON: [{"name": ..., "charity_number": ...}]'),
) -> None:
    """Load the coordinator's list of the area's known providers (for "% signed up")."""
    try:
        providers = TypeAdapter(list[KnownProvider]).validate_json(providers_file.read_text())
    except (OSError, ValidationError) as error:
        _fail(f"cannot load {providers_file}: {error}")

    async def main() -> int:
        engine = database.make_engine(Settings())
        try:
            return await MemberActivities(database.make_sessions(engine)).save_known_providers(
                providers
            )
        finally:
            await engine.dispose()

    typer.echo(f"{asyncio.run(main())} new known providers ({len(providers)} in the file)")
