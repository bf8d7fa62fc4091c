"""Which durable timers a membership has: pure, no servers."""

from datetime import UTC, date, datetime, timedelta

from models.framework import Framework
from models.membership import MembershipState
from tests.workflows.test_membership import ready_proforma
from workflows.membership_timers import lapse_matters, pending_timers, superseded

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
FRAMEWORK = Framework()


def member(status: str, **changes) -> MembershipState:
    proforma = ready_proforma("org-t", NOW.date(), **changes)
    return MembershipState(organisation_id="org-t", status=status, proforma=proforma)


def test_a_full_member_has_reminders_then_a_lapse_for_each_renewal_date():
    state = member("full", insurance_expires=date(2027, 5, 1), safeguarding_review_due=None)
    state.proforma.safeguarding_policy = False

    keys = [(t.key, t.at) for t in pending_timers(state, FRAMEWORK)]

    midnight = datetime(2027, 5, 1, tzinfo=UTC)
    assert keys == [
        ("renewal-reminder:insurance:2027-05-01:30", midnight - timedelta(days=30)),
        ("renewal-reminder:insurance:2027-05-01:7", midnight - timedelta(days=7)),
        ("lapse:insurance:2027-05-01", midnight),
    ]


def test_fired_timers_do_not_come_back():
    state = member("full")
    first = pending_timers(state, FRAMEWORK)[0]
    state.fired.append(first.key)
    assert first.key not in [t.key for t in pending_timers(state, FRAMEWORK)]


def test_insurance_lapse_matters_to_a_full_member_only():
    assert lapse_matters("insurance", "full", FRAMEWORK)
    assert not lapse_matters("insurance", "associate", FRAMEWORK)
    assert lapse_matters("safeguarding", "associate", FRAMEWORK)


def test_suspended_and_left_members_have_no_timers():
    assert pending_timers(member("suspended"), FRAMEWORK) == []
    assert pending_timers(member("left"), FRAMEWORK) == []


def test_a_signposted_applicant_has_one_reminder_after_the_configured_days():
    state = member("signposted")
    state.signposted_at, state.submissions = NOW, 2

    [reminder] = pending_timers(state, FRAMEWORK)

    assert (reminder.key, reminder.at) == ("resubmit-reminder:2", NOW + timedelta(days=28))


def test_an_early_reminder_is_skipped_when_a_later_one_is_already_due():
    state = member("full", insurance_expires=date(2027, 3, 5), safeguarding_review_due=None)
    state.proforma.safeguarding_policy = False
    pending = pending_timers(state, FRAMEWORK)
    thirty, seven, lapse = pending

    assert superseded(thirty, pending, NOW)  # 7 days before is also past: send only that one
    assert not superseded(seven, pending, NOW)
    assert not superseded(lapse, pending, NOW)
