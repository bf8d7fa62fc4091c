"""Every answer the web sends is an Update the bid workflow defines, with the input model the
workflow expects: a renamed Update fails here, not in front of a partner."""

import inspect

from temporalio.workflow import _Definition

from web.bid_actions import ACTIONS
from web.task_forms import FORMS, WITHDRAW
from workflows.bid import BidWorkflow


def test_the_pages_and_the_api_name_only_the_bid_workflows_updates():
    updates = _Definition.from_class(BidWorkflow).updates
    for form in [*FORMS.values(), WITHDRAW]:
        assert form.update in updates, form.update
    for name, action in ACTIONS.items():
        assert action.update in updates, name
        method = updates[action.update].fn
        expected = list(inspect.signature(method).parameters.values())[1].annotation
        assert expected is action.model or expected == action.model.__name__, name
