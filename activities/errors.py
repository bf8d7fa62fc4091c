"""Errors classified where they happen. A data error (a NUL character, a value too long or
too large for its column, a broken constraint, a template that will not render, an address
the mailer refuses) can never succeed on a retry: it becomes a final `ApplicationError` of
type `DataError` whose message says what is wrong and, where known, in which field, for the
bid to put before a person. Everything else (the database or the relay unreachable, a reset
connection, a timeout, a relay's "try later") propagates, and Temporal retries it.

`@classify_errors` on an activity class applies this to each of its activities.
"""

import functools
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import TemplateError
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from temporalio import activity
from temporalio.exceptions import ApplicationError

DATA_ERROR = "DataError"
_DEFINITION = "__temporal_activity_definition"  # where `@activity.defn` keeps its definition

# SQLSTATE classes of errors in the data itself: 22 data exception, 23 integrity constraint
# violation. The rest are the server's state (08 connection, 57 shut down, 53 out of
# resources, 40 rolled back) and worth a retry. Codes, never the message's text.
DATA_CLASSES = ("22", "23")
NUL_CODES = ("22021", "22P05")  # a NUL in text; a \u0000 in JSON
PLAIN_WORDS = {
    "22001": "a text is longer than its column allows",
    "22003": "a number is too large for its column",
    "22007": "a date or time is not valid",
    "22008": "a date or time is out of range",
    "22021": "a text holds a NUL character, which the database cannot store",
    "22P05": "a text holds a NUL character, which the database cannot store",
}
INT32 = 2**31 - 1


def data_error(message: str, fields: list[str] | None = None) -> ApplicationError:
    """A final error in the data, for a person to resolve; `fields` name where it is."""
    return ApplicationError(message, {"fields": fields or []}, type=DATA_ERROR, non_retryable=True)


def classify_errors(cls: type) -> type:
    """Class decorator: every `@activity.defn` method of `cls` raises its data errors as
    `data_error(...)`; its other errors pass through unchanged."""
    for name, member in list(vars(cls).items()):
        definition = getattr(member, _DEFINITION, None)
        if definition is not None:
            setattr(cls, name, _classified(member, definition.name))
    return cls


def _classified(fn: Callable, name: str) -> Callable:
    @functools.wraps(fn)
    async def run(*args: Any) -> Any:
        try:
            return await fn(*args)
        except ApplicationError:
            raise
        except Exception as error:
            final = classify(error, args[1:])
            if final is None:
                raise
            raise final from error

    del run.__dict__[_DEFINITION]  # copied from `fn` by `wraps`; defined anew just below
    run.classified = True  # type: ignore[attr-defined]
    return activity.defn(name=name)(run)


def classify(error: Exception, inputs: tuple) -> ApplicationError | None:
    """The final error `error` stands for, or None when a retry may succeed."""
    if isinstance(error, DBAPIError):
        code = str(getattr(error.orig, "sqlstate", None) or "")
        if code[:2] in DATA_CLASSES:
            return _refused_by_database(error, code, inputs)
    if isinstance(error, TemplateError):
        return data_error(f"The e-mail or document could not be written from its template: {error}")
    return None


def _refused_by_database(error: DBAPIError, code: str, inputs: tuple) -> ApplicationError:
    source = (
        error.orig and error.orig.__cause__
    ) or error.orig  # the driver's own error, with the details
    overflow = _caused_by(error, OverflowError)  # the driver's check of an integer's range
    if overflow:
        code = "22003"
    fallback = "it breaks a rule of the database" if code[:2] == "23" else "a value is not valid"
    what = PLAIN_WORDS.get(code, fallback)
    words = str(source).splitlines()[0]
    detail = getattr(source, "detail", None)
    fields = _fields(inputs, _has_nul if code in NUL_CODES else _too_big if overflow else None)
    where = f" (in {', '.join(fields)})" if fields else ""
    said = f"{words}; {detail}" if detail else words
    return data_error(f"The database refused the data: {what}{where}. It said: {said}", fields)


def _caused_by(error: BaseException, kind: type) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _has_nul(value: object) -> bool:
    return isinstance(value, str) and "\x00" in value


def _too_big(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT32


def _fields(inputs: tuple, at_fault: Callable[[object], bool] | None) -> list[str]:
    """The paths (`proforma.name`, `[1].action`) of the input values `at_fault` picks."""
    if at_fault is None:
        return []
    return [path for value in inputs for path, leaf in _leaves(value, "") if at_fault(leaf)]


def _leaves(value: object, path: str) -> Iterator[tuple[str, object]]:
    items: Any
    if isinstance(value, BaseModel):
        items = ((name, getattr(value, name)) for name in type(value).model_fields)
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = ((f"[{i}]", item) for i, item in enumerate(value))
    else:
        yield path, value
        return
    for key, item in items:
        key = str(key)
        yield from _leaves(item, path + key if key.startswith("[") or not path else f"{path}.{key}")


def describe(error: BaseException) -> str:
    """One line for a log or an outbox row: the error's kind and the driver's words, without
    the SQL statement and its parameters that SQLAlchemy appends."""
    if isinstance(error, DBAPIError):
        source = (error.orig and error.orig.__cause__) or error.orig
        return f"{type(source).__name__}: {str(source).splitlines()[0] if str(source) else ''}"
    return f"{type(error).__name__}: {error}"
