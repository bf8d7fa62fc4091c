"""Lead-body ranking: documented criteria, each scored 0..1, weighted into one score.

- capacity (30%): staff plus a quarter of the volunteers, full marks at 20;
- track record (30%): past contracts and grants from the proforma, full marks at 5;
- locality fit (20%): the share of the notice's localities served (county-wide serves all);
- tender-readiness (20%): a full member with a known turnover scores 1, a full member 0.7.
"""

from models.bid import LeadCandidate
from models.directory import COUNTY_WIDE, MemberMatch
from models.opportunity import OpportunityNotice

WEIGHTS = {"capacity": 0.3, "track_record": 0.3, "locality_fit": 0.2, "tender_readiness": 0.2}


def criteria(member: MemberMatch, notice: OpportunityNotice) -> dict[str, float]:
    people = (member.staff or 0) + (member.volunteers or 0) / 4
    served = set(member.localities) | ({member.locality} if member.locality else set())
    wanted = set(notice.localities)
    if not wanted or COUNTY_WIDE in served:
        locality = 1.0
    else:
        locality = len(served & wanted) / len(wanted)
    ready = 0.0
    if member.status == "full":
        ready = 1.0 if member.annual_turnover else 0.7
    return {
        "capacity": round(min(1.0, people / 20), 3),
        "track_record": round(min(1.0, member.track_record / 5), 3),
        "locality_fit": round(locality, 3),
        "tender_readiness": ready,
    }


def rank_candidates(members: list[MemberMatch], notice: OpportunityNotice) -> list[LeadCandidate]:
    """Best first; ties broken by organisation id so the order is stable."""
    ranked = []
    for member in members:
        scores = criteria(member, notice)
        total = round(sum(WEIGHTS[name] * value for name, value in scores.items()), 3)
        ranked.append(
            LeadCandidate(
                organisation_id=member.organisation_id,
                name=member.name,
                score=total,
                criteria=scores,
            )
        )
    return sorted(ranked, key=lambda c: (-c.score, c.organisation_id))
