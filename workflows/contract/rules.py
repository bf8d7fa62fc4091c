"""Who may answer what on a contract, and when: its Update validators as pure functions,
refusing in words a partner understands before anything is recorded."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from models import contract_answers as c
from models.bid import COORDINATOR
from models.contract import ContractState, return_key
from models.contract_updates import ContractUpdate
from workflows.bid.rules import Refused

WHO = {
    "partner": "Only a partner in this contract can do this.",
    "lead": "Only the lead body (or the coordinator) can do this.",
}


def check(state: ContractState, update: ContractUpdate, input: Any, now: datetime) -> None:
    if state.stage == "closed":
        raise Refused("This contract is closed: nothing more can be recorded.", "ContractClosed")
    role = _role(state, input.actor)
    if not update.allows(role):
        raise Refused(WHO["lead" if "lead" in update.who else "partner"], "NotAuthorised")
    CHECKS.get(update.name, lambda s, i, n: None)(state, input, now)


def _role(state: ContractState, actor: str) -> Any:
    if actor == COORDINATOR:
        return "coordinator"
    if actor == state.lead_id:
        return "lead"
    party = state.parties.get(actor)
    if party is None or party.status != "active":
        return "outsider"
    return "partner"


def check_signature(state: ContractState, input: c.SubcontractSignature, now: datetime) -> None:
    sub = state.subcontracts.get(input.actor)
    if sub is None:
        raise Refused("There is no subcontract for your organisation to sign.")
    if sub.signed_by is not None:
        raise Refused(f"Version {sub.version} is already signed.", "Duplicate")
    if input.version_hash != sub.version_hash:
        raise Refused(f"This is not the current version ({sub.version}) of your subcontract.")


def check_return(state: ContractState, input: c.ReturnInput, now: datetime) -> None:
    found = state.returns.get(return_key(input.period, input.actor))
    if found is None:
        raise Refused(f"No return is asked of you for period {input.period}.")
    if found.status in ("submitted", "accepted"):
        raise Refused(f"Your return for period {input.period} is already {found.status}.")
    targets = state.parties[input.actor].targets
    unknown = sorted(set(input.outputs) - set(targets))
    if targets and unknown:
        raise Refused(f"Report against your targets only ({', '.join(sorted(targets))}).")


def check_review(state: ContractState, input: c.ReturnReview, now: datetime) -> None:
    found = state.returns.get(return_key(input.period, input.organisation_id))
    if found is None or found.status != "submitted":
        raise Refused("That return is not waiting for a review.")
    if not input.accept and not input.comments.strip():
        raise Refused("Say what must change: the partner reads your comments.")


def check_paid(state: ContractState, input: c.PartnerPaid, now: datetime) -> None:
    if not 1 <= input.payment <= len(state.payments):
        raise Refused(f"There is no payment {input.payment}.")
    payment = state.payments[input.payment - 1]
    if input.organisation_id not in payment.owed(state.lead_id):
        raise Refused(f"Nothing is owed to {input.organisation_id} from payment {input.payment}.")


def check_replacement(state: ContractState, input: c.Replacement, now: datetime) -> None:
    leaving = state.parties.get(input.leaving)
    if leaving is None or leaving.status != "active" or leaving.role != "partner":
        raise Refused(f"{input.leaving} is not a partner in this contract.")
    new = input.replacement
    if new is not None and new.organisation_id in state.parties:
        raise Refused(f"{new.organisation_id} is already in this contract.")
    if new is None and len(state.partners()) < 2:
        raise Refused("The last partner cannot leave without a replacement.")


def check_targets(state: ContractState, input: c.TargetChange, now: datetime) -> None:
    party = state.parties.get(input.organisation_id)
    if party is None or party.status != "active" or party.role != "partner":
        raise Refused(f"{input.organisation_id} is not a partner in this contract.")


def check_extension(state: ContractState, input: c.TaskExtension, now: datetime) -> None:
    if input.task not in state.schedule:
        raise Refused(f"Nothing called '{input.task}' is owed.")
    if input.until <= now:
        raise Refused("Give a date in the future.")


CHECKS: dict[str, Callable[[ContractState, Any, datetime], None]] = {
    "sign_subcontract": check_signature,
    "submit_return": check_return,
    "review_return": check_review,
    "record_partner_payment": check_paid,
    "replace_partner": check_replacement,
    "change_targets": check_targets,
    "extend_task": check_extension,
}
