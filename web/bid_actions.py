"""The lead's and the coordinator's actions on a bid: which Update each is, who may take it.

`actor` is never taken from the request: it is the signed-in lead's organisation, or
`"coordinator"`. A lead may act only on a bid it leads; the coordinator on any bid.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client

from models import bid_answers as a
from models.bid import COORDINATOR, BidState
from web.actions import bid_state, update_bid
from web.auth import Viewer


@dataclass(frozen=True)
class BidAction:
    update: str
    model: type[a.Answer]
    coordinator_only: bool = False


ACTIONS: dict[str, BidAction] = {
    "invite_partners": BidAction("invite_partners", a.Invitations),
    "assign_sections": BidAction("assign_sections", a.SectionAssignments),
    "review_contribution": BidAction("review_contribution", a.ReviewInput),
    "remove_partner": BidAction("remove_partner", a.RemovePartner),
    "record_submission": BidAction("record_submission", a.SubmissionInput),
    "record_outcome": BidAction("record_outcome", a.OutcomeInput),
    "cancel": BidAction("cancel", a.Cancellation),
    "decide_bid": BidAction("decide_bid", a.BidDecision, coordinator_only=True),
    "choose_lead": BidAction("choose_lead", a.LeadChoice, coordinator_only=True),
    "resolve_escalation": BidAction("resolve_escalation", a.EscalationDecision, True),
    "move_deadline": BidAction("move_deadline", a.DeadlineMove, coordinator_only=True),
}


class NotAllowed(Exception):
    """The viewer may not take this action on this bid."""


def actor_for(viewer: Viewer, action: BidAction, state: BidState) -> str:
    """Who the Update says acted; raises `NotAllowed` for anyone but the coordinator or this
    bid's lead (and for a lead asking for a coordinator-only action)."""
    if viewer.is_coordinator:
        return COORDINATOR
    if action.coordinator_only:
        raise NotAllowed("Only the coordinator may do this.")
    if not viewer.organisation_id or state.lead_id != viewer.organisation_id:
        raise NotAllowed("Only the lead body of this bid may do this.")
    return viewer.organisation_id


def may_view(viewer: Viewer, state: BidState) -> bool:
    return viewer.is_coordinator or (
        viewer.organisation_id is not None and state.lead_id == viewer.organisation_id
    )


def build(action: BidAction, actor: str, data: dict) -> BaseModel:
    """The Update's input; raises pydantic's `ValidationError` on bad input."""
    return action.model.model_validate({**data, "actor": actor})


async def perform(
    client: Client, viewer: Viewer, bid_id: str, name: str, data: dict, update_id: str | None
) -> Any:
    """Check the role, build the input, send the Update. Raises `KeyError` for an unknown
    action, `BidNotFound`, `NotAllowed`, `ValidationError` or `ActionRefused`."""
    action = ACTIONS[name]
    state = await bid_state(client, bid_id)
    actor = actor_for(viewer, action, state)
    payload = build(action, actor, data)
    return await update_bid(client, bid_id, action.update, payload, update_id)
