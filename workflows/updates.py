"""A workflow's Updates registered from its table (`models/*_updates.py`): one handler and one
validator for each row, the handler found on whichever of the workflow's parts has a method
of the Update's name. Shared by the bid, the contract and the event."""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from temporalio import workflow

Handler = Callable[[Any], Awaitable[Any]]


class Named(Protocol):
    @property
    def name(self) -> str: ...


Row = TypeVar("Row", bound=Named)


def handlers_of(parts: Iterable[object], rows: Iterable[Named]) -> dict[str, Handler]:
    """Each Update's method, from the part that has it."""
    names = [row.name for row in rows]
    return {n: getattr(part, n) for part in parts for n in names if hasattr(part, n)}


def register(
    rows: Iterable[Row],
    handlers: Mapping[str, Handler],
    handler: Callable[[Row, Handler], Callable[..., Awaitable[Any]]],
    validator: Callable[[Row], Callable[[Any], None]],
) -> None:
    """`handler(row, method)` wraps a part's method (checks, save, result); `validator(row)`
    refuses an answer before it reaches the history."""
    for row in rows:
        workflow.set_update_handler(
            row.name, handler(row, handlers[row.name]), validator=validator(row)
        )
