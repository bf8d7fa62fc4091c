"""`consortia`: the one command-line entry point (Typer)."""

import os
import sys
from pathlib import Path

import typer
from pydantic import ValidationError

import database
from deploy.commands import codec_key, replay
from members import member_app
from members.delivery_cli import contract_app, event_app
from members.opportunity_cli import opportunity_app
from models.limits import one_line
from settings import SettingMissing, Settings
from starter import bid_app

app = typer.Typer(help="Consortium bid coordination on Temporal.", no_args_is_help=True)
db = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db, name="db")
app.add_typer(member_app, name="member")
app.add_typer(bid_app, name="bid")
app.add_typer(opportunity_app, name="opportunity")
app.add_typer(contract_app, name="contract")  # after the award
app.add_typer(event_app, name="event")  # engagement events
app.command("replay")(replay)
app.command("codec-key")(codec_key)


@app.command()
def up(
    state_dir: Path = typer.Option(Path(".consortia"), help="Where data and logs are kept."),
    port: int = typer.Option(8000, help="The web app's port."),
    temporal_port: int = typer.Option(7233, help="The Temporal dev server's port (UI: +1000)."),
    smtp_port: int = typer.Option(8025, help="The development mail server's port."),
    demo: bool = typer.Option(False, "--demo", help="Load demo members and an opportunity."),
) -> None:
    """Start the whole system locally: PostgreSQL, Temporal, SMTP, a worker and the web app."""
    from deploy.local import LocalStack, run  # keeps `consortia --help` quick

    stack = LocalStack(
        state_dir=state_dir.resolve(),
        web_port=port,
        temporal_port=temporal_port,
        smtp_port=smtp_port,
        load_demo=demo,
        settings=Settings(),
    )
    raise typer.Exit(run(stack))


@db.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    """Apply migrations to DATABASE_URL, up to REVISION (default: the latest)."""
    database.upgrade(_settings_with_database(), revision)
    typer.echo(f"database upgraded to {revision}")


@db.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="e.g. -1, or base")) -> None:
    """Undo migrations on DATABASE_URL down to REVISION."""
    database.downgrade(_settings_with_database(), revision)
    typer.echo(f"database downgraded to {revision}")


def _settings_with_database() -> Settings:
    settings = Settings()
    if settings.database_url is None:
        typer.echo("error: set DATABASE_URL to the database to migrate", err=True)
        raise typer.Exit(2)
    return settings


def main() -> None:
    """The console script. It leaves with `os._exit` once the command is done: a normal
    interpreter shutdown can abort (SIGABRT, "PyGILState_Release") while the Temporal SDK's
    Rust threads still hold Python thread state. Output is flushed first; `consortia up`
    has stopped its services by then. Input out of bounds ends it with one line, never a
    traceback."""
    try:
        app(standalone_mode=True)
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    except SettingMissing as missing:
        code = f"error: {missing}"
    except ValidationError as error:  # input a command did not check itself: one line still
        code = f"error: {one_line(error)}"
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
