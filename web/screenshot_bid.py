"""The demo bid the screenshots show: Improving Futures, in drafting, one section returned.

Every step is the bid's own Update, as a person would send it from a page.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import Client, WorkflowHandle

from models import bid_answers as a
from models.bid import BidState
from settings import Settings
from web.bid_start import start_bid


@dataclass
class DemoBid:
    bid_id: str
    lead_id: str
    returned_to: str
    returned_section: str
    now: datetime


async def _reach(handle: WorkflowHandle, stage: str) -> BidState:
    for _ in range(300):
        state = await handle.query("state", result_type=BidState)
        if state.stage == stage and (stage != "notice" or state.members):
            return state
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the demo bid did not reach {stage}")


async def drive_demo_bid(client: Client, settings: Settings, sessions) -> DemoBid:
    now = datetime.now().astimezone()
    bid_id = await start_bid(client, settings, sessions, "improving-futures", now)
    h = client.get_workflow_handle(bid_id)
    lead, team = await _assemble(h)
    state = await _reach(h, "drafting")
    due = now + timedelta(days=10)
    assignments = [
        a.SectionAssignment(section=key, organisation_id=team[i % len(team)], due=due)
        for i, key in enumerate(state.sections)
    ]
    await h.execute_update(
        "assign_sections", a.SectionAssignments(actor=lead, assignments=assignments)
    )
    returned, submitted = assignments[1], assignments[2]
    await _submit(h, returned, NEED)
    review = a.ReviewInput(actor=lead, section=returned.section, approve=False, comments=COMMENT)
    await h.execute_update("review_contribution", review)
    await _submit(h, submitted, MODEL)
    return DemoBid(bid_id, lead, returned.organisation_id, returned.section, now)


async def _assemble(h: WorkflowHandle) -> tuple[str, list[str]]:
    """Interest from every member, go, the best candidate as lead, three partners in and one
    declining: the lead and its team."""
    members = list((await _reach(h, "notice")).members.values())
    for m in members:
        answer = "lead" if m.willing_to_lead else "partner"
        await h.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=m.organisation_id, answer=answer)
        )
    await _reach(h, "decision")
    go = a.BidDecision(
        actor="coordinator", go=True, fit=4, capacity=4, value_for_effort=4, eligibility=5
    )
    await h.execute_update("decide_bid", go)
    lead = (await _reach(h, "lead_selection")).candidates[0].organisation_id
    await h.execute_update("choose_lead", a.LeadChoice(actor="coordinator", organisation_id=lead))
    await _reach(h, "partner_signup")
    others = [m.organisation_id for m in members if m.organisation_id != lead]
    team, declining = others[:3], others[3]
    await h.execute_update(
        "invite_partners", a.Invitations(actor=lead, organisation_ids=[*team, declining])
    )
    for org in team:
        await h.execute_update("answer_invitation", a.InvitationAnswer(actor=org, accept=True))
    no = a.InvitationAnswer(actor=declining, accept=False, note="No capacity this quarter")
    await h.execute_update("answer_invitation", no)
    return lead, [lead, *team]


async def _submit(h: WorkflowHandle, assignment: a.SectionAssignment, body: str) -> None:
    contribution = a.ContributionInput(
        actor=assignment.organisation_id, section=assignment.section, body=body
    )
    await h.execute_update("submit_contribution", contribution)


NEED = (
    "Families in Sedgefield and Easington with several needs at once are seen by five "
    "services and helped by none."
)
COMMENT = "Please add the numbers from the 2024 needs assessment."
MODEL = "One key worker per family, backed by the partners' specialists."
