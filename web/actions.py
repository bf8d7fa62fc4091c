"""Every action a person takes on a bid, sent as the bid workflow's Temporal Update.

The same Updates the CLI sends: the web never writes bid state itself. A validator's refusal
comes back as `ActionRefused` with its reason, in words for the person who asked.
"""

import logging
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from models.bid import BidState
from web.services import Unavailable

log = logging.getLogger(__name__)


class ActionRefused(Exception):
    """The bid refused the answer (late, duplicate, not allowed); nothing was recorded."""


class BidNotFound(Exception):
    """No running bid has this id (never started, or finished)."""


def _reason(error: BaseException) -> str:
    cause = error.__cause__ or getattr(error, "cause", None)
    while isinstance(cause, BaseException):
        if isinstance(cause, ApplicationError) and cause.message:
            return cause.message
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return "The bid could not take this answer."


async def update_bid(
    client: Client,
    bid_id: str,
    update: str,
    payload: BaseModel,
    update_id: str | None = None,
    rpc_timeout: timedelta | None = None,
) -> Any:
    """Send one Update and wait for its result. `update_id` makes a resubmitted form (a double
    click, a browser retry) the same Update, which Temporal records once."""
    handle = client.get_workflow_handle(bid_id)
    try:
        return await handle.execute_update(update, payload, id=update_id, rpc_timeout=rpc_timeout)
    except WorkflowUpdateRPCTimeoutOrCancelledError as error:
        # A worker too busy to answer in time (the 1,000-bid benchmark saw it). The app answers
        # 503, try again; sent again with the same id, the answer is still recorded once.
        raise Unavailable("the bid did not answer in time") from error
    except WorkflowUpdateFailedError as error:
        raise ActionRefused(_reason(error)) from error
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise BidNotFound(f"There is no open bid '{bid_id}'.") from error
        if error.status == RPCStatusCode.FAILED_PRECONDITION and not not_ready(error):
            raise ActionRefused("This bid is closed: nothing more can be recorded.") from error
        raise  # the app answers 503: nothing was recorded, try again shortly


def not_ready(error: RPCError) -> bool:
    """The bid is open but cannot take answers this moment (its worker is failing or
    overloaded, and Temporal retries it): not "closed", which would send the person away."""
    return any(d.type_url.endswith("WorkflowNotReadyFailure") for d in error.grpc_status.details)


async def bid_state(client: Client, bid_id: str) -> BidState:
    """The bid as its workflow sees it now (the `state` query). Raises `BidNotFound`, or
    `Unavailable` when the query fails for any other reason: Temporal out of reach, a query
    that raises, an answer too large to carry or that is no bid's state."""
    handle = client.get_workflow_handle(bid_id)
    try:
        return await handle.query("state", result_type=BidState)
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise BidNotFound(f"There is no bid '{bid_id}'.") from error
        raise Unavailable(f"the state of bid {bid_id!r}") from error
    except Exception as error:  # the query's own failure, or its answer not a BidState
        log.warning("the state of bid %r cannot be read", bid_id, exc_info=error)
        raise Unavailable(f"the state of bid {bid_id!r}") from error
