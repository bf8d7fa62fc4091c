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
    state = await _reach(h, "notice")
    members = list(state.members.values())
    for member in members:
        answer = "lead" if member.willing_to_lead else "partner"
        await h.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=member.organisation_id, answer=answer)
        )
    await _reach(h, "decision")
    await h.execute_update(
        "decide_bid",
        a.BidDecision(
            actor="coordinator",
            go=True,
            fit=4,
            capacity=4,
            value_for_effort=4,
            eligibility=5,
            reasons="Strong local fit",
        ),
    )
    state = await _reach(h, "lead_selection")
    lead = state.candidates[0].organisation_id
    await h.execute_update("choose_lead", a.LeadChoice(actor="coordinator", organisation_id=lead))
    await _reach(h, "partner_signup")
    others = [m.organisation_id for m in members if m.organisation_id != lead]
    invited, waiting = others[:3], others[3:4]
    await h.execute_update(
        "invite_partners", a.Invitations(actor=lead, organisation_ids=invited + waiting)
    )
    for org in invited:
        await h.execute_update("answer_invitation", a.InvitationAnswer(actor=org, accept=True))
    await h.execute_update(
        "answer_invitation",
        a.InvitationAnswer(actor=waiting[0], accept=False, note="No capacity this quarter"),
    )
    state = await _reach(h, "drafting")
    team = [lead, *invited]
    due = now + timedelta(days=10)
    assignments = [
        a.SectionAssignment(section=key, organisation_id=team[i % len(team)], due=due)
        for i, key in enumerate(state.sections)
    ]
    await h.execute_update(
        "assign_sections", a.SectionAssignments(actor=lead, assignments=assignments)
    )
    first, second = assignments[1], assignments[2]
    await h.execute_update(
        "submit_contribution",
        a.ContributionInput(
            actor=first.organisation_id,
            section=first.section,
            body="Families in Sedgefield and Easington with several needs at once are seen "
            "by five services and helped by none.",
        ),
    )
    await h.execute_update(
        "review_contribution",
        a.ReviewInput(
            actor=lead,
            section=first.section,
            approve=False,
            comments="Please add the numbers from the 2024 needs assessment.",
        ),
    )
    await h.execute_update(
        "submit_contribution",
        a.ContributionInput(
            actor=second.organisation_id,
            section=second.section,
            body="One key worker per family, backed by the partners' specialists.",
        ),
    )
    return DemoBid(bid_id, lead, first.organisation_id, first.section, now)
