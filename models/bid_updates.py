"""Every Update the bid workflow takes, declared once: its name, its input and result models,
and who may send it. The workflow registers its handlers from this table; the CLI
(`starter.py`), the web forms, the JSON API and the guard test read it too."""

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from models import bid_answers as a
from models.bid_public import BidSummary

# Who sends an Update. "member": an organisation on the notice's circulation list; "partner":
# one invited to, or in, the consortium; "lead": the lead body. The coordinator may do
# anything the lead may. "system": the import of published notices (`SYSTEM_ACTOR`), which
# sends only what the notice itself says (a moved deadline, a cancellation, the award).
Role = Literal["member", "partner", "lead", "coordinator", "local_authority", "system"]
SYSTEM_ACTOR = "system.notices"  # a "." no organisation id made from a name carries


@dataclass(frozen=True)
class BidUpdate:
    name: str
    input: type[a.Answer]
    who: frozenset[Role]
    does: str  # what it does, in a person's words (CLI help, API docs)
    result: type[BaseModel] = BidSummary

    def allows(self, role: Role) -> bool:
        return role in self.who or (role == "coordinator" and "lead" in self.who)


def _u(name: str, input: type[a.Answer], who: str, does: str) -> BidUpdate:
    return BidUpdate(name, input, frozenset(who.split()), does)  # type: ignore[arg-type]


BID_UPDATES: tuple[BidUpdate, ...] = (
    _u("express_interest", a.ExpressionOfInterest, "member", "lead, partner or not this time"),
    _u("decide_bid", a.BidDecision, "coordinator", "bid or no bid, with scores and reasons"),
    _u("choose_lead", a.LeadChoice, "coordinator", "confirm the lead body, with a reason"),
    _u("resolve_escalation", a.EscalationDecision, "coordinator", "extend, proceed or abandon"),
    _u("invite_partners", a.Invitations, "lead", "invite members to join the consortium"),
    _u("answer_invitation", a.InvitationAnswer, "partner", "accept or decline an invitation"),
    _u("assign_sections", a.SectionAssignments, "lead", "give sections writers and due dates"),
    _u("submit_contribution", a.ContributionInput, "partner", "send a section's text"),
    _u("review_contribution", a.ReviewInput, "lead", "approve or return a contribution"),
    _u("comment_on_agreement", a.AgreementCommentInput, "partner lead", "comment on it"),
    _u("sign_agreement", a.SignatureInput, "partner lead", "sign the consortium agreement"),
    _u("remove_partner", a.RemovePartner, "lead", "remove a partner from the consortium"),
    _u("withdraw", a.Withdrawal, "partner", "withdraw your organisation from the bid"),
    _u("extend_task", a.TaskExtension, "lead", "give an overdue task more time"),
    _u("local_authority_decision", a.LocalAuthorityDecision, "local_authority", "sign off"),
    _u("record_submission", a.SubmissionInput, "lead", "record the bid as submitted"),
    _u("record_outcome", a.OutcomeInput, "lead system", "record the funder's decision"),
    _u("move_deadline", a.DeadlineMove, "coordinator system", "move the funder's deadline"),
    _u("cancel", a.Cancellation, "lead system", "cancel the bid, with a reason"),
)

UPDATES: dict[str, BidUpdate] = {u.name: u for u in BID_UPDATES}


def for_lead_or_coordinator() -> dict[str, BidUpdate]:
    """The actions of the lead's console and the coordinator's dashboard (and their API)."""
    return {u.name: u for u in BID_UPDATES if u.allows("coordinator")}
