"""The rollout's commands, `consortia replay` and `consortia codec-key`; their work is
imported when they run, so `consortia --help` stays quick."""

import typer


def replay(
    query: str = typer.Option(
        None, help="A visibility query; default: every running workflow on the task queue."
    ),
    limit: int = typer.Option(10_000, min=1, max=1_000_000, help="At most this many."),
) -> None:
    """Replay running workflows' histories against this code; exit 1 if one does not replay
    (the rollout's gate, deploy/README.md)."""
    from deploy.replay import gate

    raise typer.Exit(gate(query, limit))


def codec_key(key_id: str = typer.Argument(..., help="The new key's id, e.g. k2.")) -> None:
    """Print a new `id:base64key` entry for CODEC_KEYS (a 256-bit AES-GCM key)."""
    from codec import CodecKeyError, new_key

    try:
        typer.echo(new_key(key_id))
    except CodecKeyError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
