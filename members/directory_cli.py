"""`consortia member list | counts | figures | providers`: the directory, read from the
database (the providers list is the coordinator's own data)."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import typer
from pydantic import TypeAdapter, ValidationError

import database
from activities.directory import DirectoryActivities
from activities.members import MemberActivities
from members.cli import JSON_OUT, fail, framework, member_app, print_result
from models.directory import (
    CountsInput,
    DirectoryCounts,
    DirectorySearch,
    FrameworkFigures,
    KnownProvider,
    MemberMatch,
)
from models.limits import one_line
from settings import Settings


def _read(work: Callable[[DirectoryActivities], Awaitable[Any]]) -> Any:
    """Run one directory read against DATABASE_URL."""

    async def main() -> Any:
        engine = database.make_engine(Settings())
        try:
            return await work(DirectoryActivities(database.make_sessions(engine)))
        finally:
            await engine.dispose()

    return asyncio.run(main())


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
    config = framework()  # a theme or a locality in any case, or a synonym, is the framework's
    theme = (config.theme(theme) or theme) if theme else None
    locality = (config.locality(locality) or locality) if locality else None
    try:
        search = DirectorySearch.model_validate(
            {"theme": theme, "locality": locality, "size": size, "willing_to_lead": lead}
            | {"statuses": status, "name": name}
        )
    except ValidationError as error:
        fail(f"the search is not valid: {one_line(error)}")
    found = _read(lambda directory: directory.search_members(search))
    print_result(found, as_json, _members_text)


def _members_text(rows: list[MemberMatch]) -> str:
    return "\n".join(_member_line(m) for m in rows) or "no members"


def _member_line(m: MemberMatch) -> str:
    lead = ", willing to lead" if m.willing_to_lead else ""
    where = ", ".join(m.localities or ([m.locality] if m.locality else []))
    return f"{m.organisation_id}  {m.name} [{m.status}{lead}] {where}: {', '.join(m.themes)}"


@member_app.command("counts")
def counts_command(as_json: bool = JSON_OUT) -> None:
    """Active members by theme and locality, and where the gaps are."""
    config = framework()
    wanted = CountsInput(themes=config.themes, localities=config.localities)
    counts = _read(lambda directory: directory.count_members(wanted))
    print_result(counts, as_json, _counts_text)


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
    print_result(figures, as_json, _figures_text)


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
        providers = TypeAdapter(list[KnownProvider]).validate_json(providers_file.read_bytes())
    except OSError as error:
        fail(f"cannot load {providers_file}: {error.strerror}")
    except ValidationError as error:
        fail(f"cannot load {providers_file}: {one_line(error)}")

    async def main() -> int:
        engine = database.make_engine(Settings())
        try:
            return await MemberActivities(database.make_sessions(engine)).save_known_providers(
                providers
            )
        finally:
            await engine.dispose()

    typer.echo(f"{asyncio.run(main())} new known providers ({len(providers)} in the file)")
