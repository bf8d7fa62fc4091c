"""Which durable timers a membership has, computed from its state: pure and deterministic.

A signposted applicant gets one reminder to resubmit. A member gets renewal reminders before
its safeguarding review, insurance or DBS checks lapse, and a lapse at the start of the due
date, for each item its status depends on. A timer's key goes into `state.fired` once it has
fired, so it never fires twice, across continue-as-new too.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel

from models.entry_criteria import renewal_dates
from models.framework import Framework
from models.membership import MembershipState

# The entry criterion each renewable item keeps met.
CRITERION_FOR = {
    "safeguarding": "safeguarding_current",
    "insurance": "insurance_current",
    "DBS checks": "dbs_checks",
}

Action = Literal["resubmit_reminder", "renewal_reminder", "lapse"]


class Timer(BaseModel):
    key: str
    at: datetime
    action: Action
    item: str = ""
    due: date | None = None


def lapse_matters(item: str, status: str, framework: Framework) -> bool:
    """Whether the lapse of `item` takes away what `status` was granted on."""
    for criterion in framework.criteria:
        if criterion.key == CRITERION_FOR[item]:
            return criterion.level == "associate" or status == "full"
    return False


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def all_timers(state: MembershipState, framework: Framework) -> list[Timer]:
    """Every timer the state calls for, fired or not."""
    timers: list[Timer] = []
    if state.status == "signposted" and state.signposted_at is not None:
        timers.append(
            Timer(
                key=f"resubmit-reminder:{state.submissions}",
                at=state.signposted_at + timedelta(days=framework.reminders.resubmit_after_days),
                action="resubmit_reminder",
            )
        )
    if state.status in ("full", "associate") and state.proforma is not None:
        for item, due in renewal_dates(state.proforma).items():
            if not lapse_matters(item, state.status, framework):
                continue
            for days in sorted(set(framework.reminders.renewal_before_days), reverse=True):
                timers.append(
                    Timer(
                        key=f"renewal-reminder:{item}:{due}:{days}",
                        at=_start_of(due) - timedelta(days=days),
                        action="renewal_reminder",
                        item=item,
                        due=due,
                    )
                )
            lapse = Timer(key=f"lapse:{item}:{due}", at=_start_of(due), action="lapse")
            timers.append(lapse.model_copy(update={"item": item, "due": due}))
    return timers


def pending_timers(state: MembershipState, framework: Framework) -> list[Timer]:
    """The timers still to fire, earliest first."""
    fired = set(state.fired)
    pending = [t for t in all_timers(state, framework) if t.key not in fired]
    return sorted(pending, key=lambda t: (t.at, t.key))


def superseded(timer: Timer, pending: list[Timer], now: datetime) -> bool:
    """A reminder is skipped when a later one for the same item is already due (or its lapse):
    a member admitted a week before expiry gets one reminder, not two."""
    if timer.action != "renewal_reminder":
        return False
    return any(
        other.item == timer.item and other.due == timer.due and timer.at < other.at <= now
        for other in pending
    )
