"""Limits at the edge, from one place: every string a length and no stray control characters,
every number a range, every datetime a zone, before anything reaches a workflow.

The input models (the bid's Update inputs, the opportunity notice, the proforma form, the
framework file, the CLI's inputs) use these types, so the CLI, the web forms and the JSON API
refuse the same things with the same words. A text type says how long a value may be; a field
that must not be blank says so itself with `Field(min_length=1)`.

Where a value lands in a column, the limit is the column's (models/tables.py): a name in
String(200), a title in String(300), an organisation id in String(64), a sum in
Numeric(14, 2). Where it lands only in a workflow's state, the limit keeps the bid's `state`
query and its continue-as-new input under Temporal's 2 MB payload limit for text as people
write it: at most MAX_SECTIONS sections of LONG_TEXT characters (1 MB of English), notes of
NOTE characters per member. Characters of other scripts take up to four bytes each, so the
limits alone do not make a bid's state small whatever is typed: the bid keeps its own guard.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError

NOTE = 2_000  # a note, a reason: a paragraph or two
COMMENTS = 10_000  # a review's or an agreement's comments
LONG_TEXT = 50_000  # one section of a bid, about 8,000 words
MAX_SECTIONS = 20  # 20 sections x 50,000 characters: 1 MB of text at most
MAX_LABELS = 100  # themes, localities
MAX_PARTNERS = 200  # organisations named in one answer
MAX_RECIPIENTS = 5_000  # one notice's mailing list
MAX_MONEY = Decimal("999999999999.99")  # Numeric(14, 2)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # dates and times people give for a bid or a member

# C0 and C1 controls and DEL (PostgreSQL refuses NUL; the rest are never typed on purpose).
# Multi-line text keeps tab and newline. Lone surrogates, which PostgreSQL refuses too, are
# refused before these run, by `_no_surrogates`: pydantic would not pass one through to them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_IN_EMAIL = re.compile(r"[\s<>()\[\]\\,;:\"\x00-\x1f\x7f-\x9f]")


def _refuse(pattern: re.Pattern[str]) -> AfterValidator:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found:
            raise _control_character(found.group())
        return value

    return AfterValidator(check)


def _control_character(character: str) -> PydanticCustomError:
    return PydanticCustomError(
        "control_character",
        "must not contain the control character U+{code}",
        {"code": f"{ord(character):04X}"},
    )


def _line(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, max_length=max_length)


def _newlines(value: Any) -> Any:
    """A browser sends a textarea's line breaks as CRLF: keep them as one newline each."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise _not_an_identifier()
    return value


def _no_surrogates(refusal: Callable[[str], PydanticCustomError]) -> BeforeValidator:
    """Before pydantic reads a value as a string: a lone surrogate (a forged "\\ud800" in JSON)
    is refused by the type's own rule, `refusal` of the surrogate, where pydantic would say
    only "unable to parse raw data as a unicode string"."""

    def check(value: Any) -> Any:
        found = _SURROGATE.search(value) if isinstance(value, str) else None
        if found:
            raise refusal(found.group())
        return value

    return BeforeValidator(check)


def _not_an_identifier() -> PydanticCustomError:
    return PydanticCustomError(
        "identifier",
        "use only letters, digits, '.', '_' and '-', starting with a letter or a digit",
    )


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    labels = domain.split(".")
    if (
        not local
        or "@" in local
        or len(local) > 64
        or len(labels) < 2
        or not all(labels)
        or _NOT_IN_EMAIL.search(value)
    ):
        raise _not_an_email()
    return f"{local}@{domain.lower()}"


def _not_an_email() -> PydanticCustomError:
    return PydanticCustomError(
        "email",
        "is not an e-mail address: give one like name@example.org, with no spaces or line breaks",
    )


def _currency(value: str) -> str:
    if not re.fullmatch("[A-Z]{3}", value):
        raise _not_a_currency()
    return value


def _not_a_currency() -> PydanticCustomError:
    return PydanticCustomError(
        "currency", "must be an ISO 4217 code of three capital letters, such as GBP"
    )


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "naive_datetime",
            "give the time with a time zone, e.g. 2027-03-01T17:00:00+00:00",
        )
    return _in_years(value)


def _in_years(value: Any) -> Any:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "out_of_range",
            "must be between the years {first} and {last}",
            {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


# Every text type refuses a lone surrogate (a forged "\\ud800" in JSON) by its own rule: a
# `_no_surrogates` placed after its StringConstraints says it in the words the type uses for a
# control character, before pydantic's "unable to parse raw data as a unicode string".

# --- identifiers ---------------------------------------------------------------------------
# An organisation, an opportunity, a criterion: String(64) columns. Actors are these too
# ("coordinator", "local-authority" fit).
Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    _no_surrogates(lambda _: _not_an_identifier()),
    AfterValidator(_identifier),
]
# A bid (the workflow id, String(100)): "bid-" and an opportunity id and a suffix.
BidId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    _no_surrogates(lambda _: _not_an_identifier()),
    AfterValidator(_identifier),
]

# --- one line of text: surrounding spaces dropped, no control characters --------------------
ONE_LINE = _refuse(_CONTROL)
NO_SURROGATES = _no_surrogates(_control_character)  # "... the control character U+D800"
# A theme, a locality, a section's key: String(80).
Label = Annotated[str, _line(80), NO_SURROGATES, ONE_LINE]
# A charity or company number: String(20).
Registration = Annotated[str, _line(20), NO_SURROGATES, ONE_LINE]
# An agreement version's hash: String(64).
Digest = Annotated[str, _line(64), NO_SURROGATES, ONE_LINE]
Role = Annotated[str, _line(120), NO_SURROGATES, ONE_LINE]  # someone's role: String(120)
# A person, an organisation, a funder: String(200).
Name = Annotated[str, _line(200), NO_SURROGATES, ONE_LINE]
# A funder's reference for a submission.
Reference = Annotated[str, _line(200), NO_SURROGATES, ONE_LINE]
# An attachment's name: String(255).
FileName = Annotated[str, _line(255), NO_SURROGATES, ONE_LINE]
# An opportunity's or a notice's title: String(300).
Title = Annotated[str, _line(300), NO_SURROGATES, ONE_LINE]
Url = Annotated[str, _line(2_000), NO_SURROGATES, ONE_LINE]

# --- text that may run over lines: tab and newline allowed, CRLF kept as newline ------------
MULTI_LINE = _refuse(_CONTROL_IN_TEXT)
NEWLINES = BeforeValidator(_newlines)  # runs first: the length counts one character a break
Note = Annotated[str, StringConstraints(max_length=NOTE), NO_SURROGATES, MULTI_LINE, NEWLINES]
Reason = Note  # why something was done: the size of a note
Comments = Annotated[
    str, StringConstraints(max_length=COMMENTS), NO_SURROGATES, MULTI_LINE, NEWLINES
]
LongText = Annotated[
    str, StringConstraints(max_length=LONG_TEXT), NO_SURROGATES, MULTI_LINE, NEWLINES
]

# --- the rest ------------------------------------------------------------------------------
# One address, normalised (surrounding spaces dropped, the domain in lower case); RFC 5321's
# 254 characters, and nothing that could add a header or a second recipient.
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    _no_surrogates(lambda _: _not_an_email()),
    AfterValidator(_email),
]
# "gbp" is read as GBP: a bid started before this check with a code in lower case still loads.
Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, max_length=3),
    _no_surrogates(lambda _: _not_a_currency()),
    AfterValidator(_currency),
]
# A sum of money, as Numeric(14, 2) holds it: whole pence, not negative, finite.
Money = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2100)]  # a year in a track record
Count = Annotated[int, Field(ge=0, le=10_000_000)]  # staff, volunteers: Integer columns
Aware = Annotated[datetime, AfterValidator(_aware)]  # TIMESTAMP WITH TIME ZONE
Day = Annotated[date, AfterValidator(_in_years)]


@cache
def _one_field(name: str, annotation: Any) -> type[BaseModel]:
    return create_model("Input", **{name: (annotation, ...)})  # type: ignore[call-overload]


def checked(name: str, annotation: Any, value: Any) -> Any:
    """`value` checked as `annotation` outside a model, e.g. an id given on the command line;
    a `ValidationError` names it `name`."""
    return getattr(_one_field(name, annotation).model_validate({name: value}), name)


def one_line(error: ValidationError, settings: bool = False) -> str:
    """A validation error on one line, each problem as `where: what`, for a person to read.
    The values are never repeated (a setting may hold a password). `settings`: the fields
    are named as they are set, by their environment variable (`WORKER_ROLE: ...`)."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in item["loc"]) or "input"
        problems.append(
            f"{where.upper() if settings else where}: {item['msg'].removeprefix('Value error, ')}"
        )
    return "; ".join(problems)
