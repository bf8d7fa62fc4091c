"""The bid workflow, a module per stage: notice.py (circulation, interest, bid or no bid),
lead.py, partners.py, drafting.py, agreement.py, closing.py (sign-off, submission, award,
early ends); leaving.py (a partner withdraws or is removed), deadlines.py (the funder moves
the deadline), reminders.py and escalation.py (what people owe, and who hears when it is
late); effects.py (records, e-mail, waits), rules.py (who may answer what), view.py (the
summary and the query's view); workflow.py holds them together. The child that sends a
large group of e-mails is workflows/mailing.py."""

from workflows.bid.workflow import BidWorkflow

__all__ = ["BidWorkflow"]
