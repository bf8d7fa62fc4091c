"""The lead's and the coordinator's actions on a bid: which Update each is, who may take it.

`actor` is never taken from the request: it is the signed-in lead's organisation, or
`"coordinator"`. A lead may act only on a bid it leads; the coordinator on any bid.
"""

from typing import Any

from pydantic import BaseModel
from temporalio.client import Client

from models.bid import COORDINATOR, BidState
from models.bid_updates import BidUpdate, for_lead_or_coordinator
from web.actions import bid_state, update_bid
from web.auth import Viewer

# The lead's and the coordinator's Updates, from the one table (`models/bid_updates.py`).
ACTIONS: dict[str, BidUpdate] = for_lead_or_coordinator()


class NotAllowed(Exception):
    """The viewer may not take this action on this bid."""


def actor_for(viewer: Viewer, action: BidUpdate, state: BidState) -> str:
    """Who the Update says acted; raises `NotAllowed` for anyone but the coordinator or this
    bid's lead (and for a lead asking for a coordinator-only action)."""
    if viewer.is_coordinator:
        return COORDINATOR
    if not action.allows("lead"):
        raise NotAllowed("Only the coordinator may do this.")
    if not viewer.organisation_id or state.lead_id != viewer.organisation_id:
        raise NotAllowed("Only the lead body of this bid may do this.")
    return viewer.organisation_id


def may_view(viewer: Viewer, state: BidState) -> bool:
    return viewer.is_coordinator or (
        viewer.organisation_id is not None and state.lead_id == viewer.organisation_id
    )


def build(action: BidUpdate, actor: str, data: dict) -> BaseModel:
    """The Update's input; raises pydantic's `ValidationError` on bad input."""
    return action.input.model_validate({**data, "actor": actor})


async def perform(
    client: Client, viewer: Viewer, bid_id: str, name: str, data: dict, update_id: str | None
) -> Any:
    """Check the role, build the input, send the Update. Raises `KeyError` for an unknown
    action, `BidNotFound`, `NotAllowed`, `ValidationError` or `ActionRefused`."""
    action = ACTIONS[name]
    state = await bid_state(client, bid_id)
    actor = actor_for(viewer, action, state)
    payload = build(action, actor, data)
    return await update_bid(client, bid_id, action.name, payload, update_id)
