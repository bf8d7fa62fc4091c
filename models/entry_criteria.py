"""The entry criteria as pure functions: is a proforma valid, and which criteria does it meet.

No I/O and no clock: the caller passes `today` (the workflow passes `workflow.now().date()`,
the CLI the real date), so the same proforma always gets the same answer.
"""

from collections.abc import Callable
from datetime import date
from typing import Literal, TypeVar

from models.framework import EntryCriterion, Framework
from models.membership import Assessment, MissingItem, Proforma, static_problems

Check = Callable[[Proforma, date, Framework], bool]
P = TypeVar("P", bound=Proforma)


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _registered(p: Proforma, today: date, f: Framework) -> bool:
    return bool(p.charity_number or p.company_number or p.governing_document)


def _safeguarding_current(p: Proforma, today: date, f: Framework) -> bool:
    due = p.safeguarding_review_due
    return p.safeguarding_policy and due is not None and due > today


def _dbs_checks(p: Proforma, today: date, f: Framework) -> bool:
    if p.dbs_expires is not None:
        return p.dbs_expires > today
    return p.dbs_checks  # a proforma sent before DBS checks had a date


def _insurance_current(p: Proforma, today: date, f: Framework) -> bool:
    return p.insurance_expires is not None and p.insurance_expires > today


def _accounts_recent(p: Proforma, today: date, f: Framework) -> bool:
    year_end = p.accounts_year_end
    return year_end is not None and _months_between(year_end, today) <= f.accounts_max_age_months


def _track_record(p: Proforma, today: date, f: Framework) -> bool:
    return len(p.track_record) >= 1


CHECKS: dict[str, Check] = {
    "registered": _registered,
    "safeguarding_current": _safeguarding_current,
    "dbs_checks": _dbs_checks,
    "insurance_current": _insurance_current,
    "accounts_recent": _accounts_recent,
    "track_record": _track_record,
}


def unknown_criteria(framework: Framework) -> list[str]:
    """Criterion keys a framework file names that no check implements."""
    return [c.key for c in framework.criteria if c.key not in CHECKS]


def proforma_problems(proforma: Proforma, framework: Framework, today: date) -> list[str]:
    """Why a proforma cannot be accepted, in words the applicant understands; [] if it can."""
    problems = static_problems(proforma)
    for locality in [proforma.locality, *proforma.localities_served]:
        if locality and framework.locality(locality) is None:
            problems.append(f"{locality!r} is not a locality of {framework.name}.")
    if not proforma.localities_served and not proforma.locality:
        problems.append("Say which localities you serve.")
    for theme in proforma.themes:
        if framework.theme(theme) is None:
            problems.append(f"{theme!r} is not one of the framework's themes.")
    for label, when in (
        ("safeguarding review date", proforma.safeguarding_review_due),
        ("insurance expiry date", proforma.insurance_expires),
        ("DBS checks' renewal date", proforma.dbs_expires),
    ):
        if when is not None and when <= today:
            problems.append(
                f"The {label}, {when:%d %B %Y}, is in the past: give the next one, "
                "or leave it blank if there is none yet."
            )
    if proforma.accounts_year_end is not None and proforma.accounts_year_end > today:
        problems.append(f"The accounts year end, {proforma.accounts_year_end}, is in the future.")
    return problems


def in_vocabulary(proforma: P, framework: Framework) -> P:
    """The proforma with its themes and localities in the framework's own words ("family
    Support" -> "family support", "durham" -> "Durham & Chester-le-Street"); a term it does
    not know is left as given (proforma_problems names it)."""

    def one(said: str, term: str | None) -> str:
        return term or said

    localities = [one(x, framework.locality(x)) for x in proforma.localities_served]
    return proforma.model_copy(
        update={
            "themes": list(dict.fromkeys(one(t, framework.theme(t)) for t in proforma.themes)),
            "locality": one(proforma.locality, framework.locality(proforma.locality))
            if proforma.locality
            else "",
            "localities_served": list(dict.fromkeys(localities)),
        }
    )


def _missing(criterion: EntryCriterion, framework: Framework) -> MissingItem:
    helper = framework.signpost(criterion.signpost)
    return MissingItem(
        key=criterion.key,
        description=criterion.description or criterion.key,
        level=criterion.level,
        signpost=helper.name if helper else None,
        signpost_email=helper.email if helper else "",
        signpost_url=helper.url if helper else "",
    )


def assess(proforma: Proforma, framework: Framework, today: date) -> Assessment:
    """Full: every criterion met; associate: the associate-level ones met; else signposted."""
    met, missing = [], []
    for criterion in framework.criteria:
        if CHECKS[criterion.key](proforma, today, framework):
            met.append(criterion.key)
        else:
            missing.append(_missing(criterion, framework))
    outcome: Literal["full", "associate", "signposted"]
    if not missing:
        outcome = "full"
    elif all(item.level == "full" for item in missing):
        outcome = "associate"
    else:
        outcome = "signposted"
    return Assessment(outcome=outcome, met=met, missing=missing, assessed_on=today)


def renewal_dates(proforma: Proforma) -> dict[str, date]:
    """The dates on which a member's standing lapses: safeguarding review, insurance and DBS
    checks."""
    dates = {}
    if proforma.safeguarding_review_due is not None:
        dates["safeguarding"] = proforma.safeguarding_review_due
    if proforma.insurance_expires is not None:
        dates["insurance"] = proforma.insurance_expires
    if proforma.dbs_expires is not None:
        dates["DBS checks"] = proforma.dbs_expires
    return dates
