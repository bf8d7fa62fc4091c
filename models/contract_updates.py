"""Every Update the contract workflow takes, declared once: its name, input, who may send it.
The workflow registers its handlers from this table; the pages and the tests read it too."""

from dataclasses import dataclass
from typing import Literal

from models import contract_answers as c
from models.bid_answers import Answer

Who = Literal["partner", "lead", "coordinator"]


@dataclass(frozen=True)
class ContractUpdate:
    name: str
    input: type[Answer]
    who: frozenset[Who]
    does: str

    def allows(self, role: Who) -> bool:
        return role in self.who or (role == "coordinator" and "lead" in self.who)


def _u(name: str, input: type[Answer], who: str, does: str) -> ContractUpdate:
    return ContractUpdate(name, input, frozenset(who.split()), does)  # type: ignore[arg-type]


CONTRACT_UPDATES: tuple[ContractUpdate, ...] = (
    _u("sign_subcontract", c.SubcontractSignature, "partner", "sign your subcontract"),
    _u("submit_return", c.ReturnInput, "partner", "send a period's return"),
    _u("review_return", c.ReturnReview, "lead", "accept a return or send it back"),
    _u("record_funder_payment", c.FunderPayment, "lead", "record the funder's payment"),
    _u("record_partner_payment", c.PartnerPaid, "lead", "record a partner as paid"),
    _u("replace_partner", c.Replacement, "lead", "a partner leaves (and who replaces it)"),
    _u("extend_term", c.TermExtension, "lead", "extend the contract by more periods"),
    _u("change_targets", c.TargetChange, "lead", "change a partner's targets"),
    _u("extend_task", c.TaskExtension, "lead", "give an overdue task more time"),
)

UPDATES: dict[str, ContractUpdate] = {u.name: u for u in CONTRACT_UPDATES}
