"""`consortia opportunity import FILE_OR_URL`: a published notice package (OCDS 1.1, release
or record package) imported by hand, exactly as a source's poller imports it."""

import asyncio
import json
from pathlib import Path

import httpx
import typer

import database
from activities.ocds import NoticeImporter, PackageError, fetch, read_file
from models.feeds import FeedSourceConfig, ImportReport
from settings import Settings
from starter import connect

opportunity_app = typer.Typer(
    help="Opportunities from published notices (OCDS).", no_args_is_help=True
)


@opportunity_app.command("import")
def import_package(
    file_or_url: str = typer.Argument(..., help="A release or record package: a file or a URL."),
    source: str = typer.Option(
        "cli", help="The source's name (a FEED_SOURCES name uses its terms)."
    ),
    trusted: bool = typer.Option(
        False, "--trusted", help="Circulate matching notices now, not via the coordinator."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON, for scripts."),
) -> None:
    """Import the notices; a release already imported changes nothing."""
    settings = Settings()
    config = next((s for s in settings.feed_sources if s.name == source), None)
    try:
        config = config or FeedSourceConfig(
            name=source, url="https://command-line.invalid/", trusted=trusted
        )
    except ValueError as error:
        _fail(str(error))
    report = asyncio.run(_import(settings, config, file_or_url))
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    typer.echo(
        f"{report.imported} imported, {report.already_held} already held, "
        f"{len(report.refused)} refused"
    )
    for line in report.effects:
        typer.echo(f"  {line}")
    for line in report.refused:
        typer.echo(f"  refused {line}")


async def _import(settings: Settings, config: FeedSourceConfig, where: str) -> ImportReport:
    engine = database.make_engine(settings)
    try:
        if where.startswith(("http://", "https://")):
            package = await fetch(where)
        else:
            package = read_file(Path(where))
        importer = NoticeImporter(database.make_sessions(engine), settings, await connect(settings))
        return await importer.import_package(package, config)
    except (PackageError, OSError, httpx.HTTPError) as error:
        return _fail(f"{where}: {error}")
    except json.JSONDecodeError as error:
        return _fail(f"{where} is not JSON: {error}")
    finally:
        await engine.dispose()


def _fail(message: str):
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
