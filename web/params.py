"""Bounds on every path and query parameter, checked before a route runs.

Ids have a safe alphabet and the length of their column; filters have no control characters
(PostgreSQL refuses a NUL in text); numbers fit a PostgreSQL bigint with room to add a page.
A parameter out of bounds is a clear 4xx that names it, never a database error.
"""

from typing import Annotated, Literal, get_args

from fastapi import Header, Path, Query

from models.bid import Stage

ID = r"^[A-Za-z0-9][A-Za-z0-9_.:~-]*$"  # slugs, uuids and `bid-<opportunity>-<n>`
TOKEN = r"^[A-Za-z0-9_.-]+$"  # itsdangerous' URL-safe signed text
TEXT = r"^[^\x00-\x1f\x7f]*$"  # printable: no NUL, no control characters
BIGINT_MAX = 2**63 - 1
MAX_OFFSET = 1_000_000  # far past any real list, far below a bigint
MAX_LIMIT = 200

BidId = Annotated[
    str, Path(min_length=1, max_length=100, pattern=ID, description="The bid's workflow id.")
]
OpportunityId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID)]
ActionName = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
TaskToken = Annotated[
    str,
    Path(min_length=1, max_length=1000, pattern=TOKEN, description="The signed task link."),
]
AttachmentId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]

StageFilter = Annotated[
    Literal[get_args(Stage) + ("",)],  # type: ignore[valid-type]
    Query(description="One stage, or empty for every stage."),
]
TextFilter = Annotated[str, Query(max_length=200, pattern=TEXT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Notice = Annotated[str | None, Query(max_length=200, pattern=TEXT)]  # `done=`, `started=`
IdempotencyKey = Annotated[str | None, Header(min_length=1, max_length=200, pattern=r"^[!-~]+$")]
