"""A contract after the award, a module per part: subcontracts.py (generated and signed),
returns.py (the reporting calendar, partners' returns, the lead's review, the combined
return), payments.py (the funder's payments split after the top-slice), variations.py (a
partner replaced, the term extended, targets changed), closeout.py (the final report);
rules.py (who may answer what); workflow.py holds them, with the bid's `Reminders` and
`OverdueTasks` (one schedule of due times, one timer) over `workflows/delivery_effects.py`."""

from workflows.contract.workflow import ContractWorkflow

__all__ = ["ContractWorkflow"]
