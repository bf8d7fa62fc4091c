"""The happy path in steps, so each edge-case test starts from the stage it is about."""

from models import bid_answers as a
from tests.workflows.bid_support import Bid, days

# alpha leads; beta and gamma partner; delta is not interested this time.
MEMBERS = {
    "alpha": {"lead": True, "staff": 12, "track": 4},
    "beta": {},
    "gamma": {},
    "delta": {},
}
ANSWERS = {"alpha": "lead", "beta": "partner", "gamma": "partner", "delta": "not_this_time"}


async def to_lead_selection(bid: Bid, answers: dict[str, str] = ANSWERS) -> None:
    for name, answer in answers.items():
        await bid.handle.execute_update(
            "express_interest", a.ExpressionOfInterest(actor=bid.org(name), answer=answer)
        )
    await bid.reach("decision")
    await bid.handle.execute_update(
        "decide_bid", a.BidDecision(actor="coordinator", go=True, reasons="Good fit")
    )
    await bid.reach("lead_selection")


async def to_partner_signup(bid: Bid) -> None:
    await to_lead_selection(bid)
    await bid.handle.execute_update(
        "choose_lead", a.LeadChoice(actor="coordinator", organisation_id=bid.org("alpha"))
    )
    await bid.reach("partner_signup")


async def to_drafting(bid: Bid, partners: tuple[str, ...] = ("beta", "gamma")) -> None:
    await to_partner_signup(bid)
    await bid.handle.execute_update(
        "invite_partners",
        a.Invitations(actor=bid.org("alpha"), organisation_ids=[bid.org(p) for p in partners]),
    )
    for name in partners:
        await bid.handle.execute_update(
            "answer_invitation", a.InvitationAnswer(actor=bid.org(name), accept=True)
        )
    await bid.reach("drafting")


async def assign(bid: Bid, env, plan: dict[str, str], due_days: float = 10) -> None:
    now = await env.get_current_time()
    await bid.handle.execute_update(
        "assign_sections",
        a.SectionAssignments(
            actor=bid.org("alpha"),
            assignments=[
                a.SectionAssignment(section=s, organisation_id=bid.org(o), due=now + days(due_days))
                for s, o in plan.items()
            ],
        ),
    )


async def write_and_approve(bid: Bid, plan: dict[str, str]) -> None:
    for section, name in plan.items():
        await bid.handle.execute_update(
            "submit_contribution",
            a.ContributionInput(actor=bid.org(name), section=section, body=f"{section} by {name}"),
        )
        await bid.handle.execute_update(
            "review_contribution",
            a.ReviewInput(actor=bid.org("alpha"), section=section, approve=True),
        )


PLAN = {"summary": "beta", "delivery": "gamma"}


async def to_agreement(bid: Bid, env) -> None:
    await to_drafting(bid)
    await assign(bid, env, PLAN)
    await write_and_approve(bid, PLAN)
    await bid.reach("agreement")


async def sign_all(bid: Bid, env, names=("alpha", "beta", "gamma")) -> None:
    state = await bid.state()
    assert state.agreement is not None
    now = await env.get_current_time()
    if now < state.agreement.comment_until:
        await env.sleep(state.agreement.comment_until - now)
    for name in names:
        await bid.handle.execute_update(
            "sign_agreement",
            a.SignatureInput(
                actor=bid.org(name),
                version_hash=state.agreement.version_hash,
                signer_name=f"{name} chair",
                signer_role="Chair",
            ),
        )


async def to_submission(bid: Bid, env) -> None:
    await to_agreement(bid, env)
    await sign_all(bid, env)
    await bid.reach("la_signoff")
    await bid.handle.execute_update(
        "local_authority_decision",
        a.LocalAuthorityDecision(actor="local-authority", approve=True),
    )
    await bid.reach("submission")
