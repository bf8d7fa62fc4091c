"""Every audit action a test asserts on is one the workflows record. A test that counts rows
of an action nobody records (`interest_expressed` for `expressed_interest`) sees 0 for ever,
and its assertion can never fail: this guard reads the tests and the workflows and says so.

Both sides are read from the source with `ast`, not run: the names the workflows pass to
`fx.record(...)`, `_audit(...)`, `_take(...)` and `AuditRecord(action=...)` (an f-string such
as f"invitation_{partner.status}" expanded to its values, both arms of a conditional), and
the strings the tests compare with an action: `audit_count(..., "x")`, `e.action == "x"`,
`"x" in actions`, `actions.index("x")`, `[e.action for ...] == [...]`, `audit_actions(...)`,
`state["timeline"][0]["action"] == "x"`, and `for x in (...): assert x in actions`."""

import ast
import itertools
from pathlib import Path
from typing import get_args

from models.bid_answers import EscalationDecision
from workflows.bid.leaving import WORDS

ROOT = Path(__file__).resolve().parent.parent

# What each placeholder of an f-string action name can be, where the workflows write one.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "partner.status": ("accepted", "declined"),  # answer_invitation: one or the other
    "status": tuple(WORDS),  # leaving: withdrawn or removed
    "section.status": ("approved", "returned"),  # review_contribution
    "input.action": get_args(EscalationDecision.model_fields["action"].annotation),
}
# Calls that record an audit action, and which positional argument names it.
RECORDERS = {"record": 1, "_audit": 0, "_take": 1}
# Calls whose result is a list of action names.
ACTION_LISTS = {"audit_actions"}


def _strings(node: ast.expr) -> list[str]:
    """The action names an expression in the workflows can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):
        parts: list[tuple[str, ...]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append((str(value.value),))
            else:
                assert isinstance(value, ast.FormattedValue)
                source = ast.unparse(value.value)
                assert source in PLACEHOLDERS, f"say what {{{source}}} can be in PLACEHOLDERS"
                parts.append(PLACEHOLDERS[source])
        return ["".join(p) for p in itertools.product(*parts)]
    return []  # a variable passed through (e.g. `action`): its values are found at its source


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "workflows").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in RECORDERS and len(node.args) > RECORDERS[name]:
                found.update(_strings(node.args[RECORDERS[name]]))
            for keyword in node.keywords:
                if name == "AuditRecord" and keyword.arg == "action":
                    found.update(_strings(keyword.value))
    return found


def _is_actions(node: ast.expr) -> bool:
    """Whether an expression in a test stands for an action name or a list of them."""
    if isinstance(node, ast.Attribute):
        return node.attr == "action"
    if isinstance(node, ast.Name):
        return node.id == "actions" or node.id.endswith("_actions")
    if isinstance(node, ast.Subscript):
        key = node.slice
        return (isinstance(key, ast.Constant) and key.value == "action") or _is_actions(node.value)
    if isinstance(node, ast.Await):
        return _is_actions(node.value)
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        return name in ACTION_LISTS
    if isinstance(node, ast.ListComp | ast.GeneratorExp):
        return _is_actions(node.elt)
    return False


def _position(node: ast.expr, assigned: dict[str, ast.expr]) -> int | None:
    """Where the action is in a tuple of fields, e.g. `(e.action, e.actor)`: 0; for a name,
    in the value assigned to it (`actions = [(e.action, e.actor) for e in ...]`)."""
    if isinstance(node, ast.Name) and node.id in assigned:
        node = assigned[node.id]
    elt = node.elt if isinstance(node, ast.ListComp | ast.GeneratorExp) else node
    if isinstance(elt, ast.Tuple):
        return next((i for i, e in enumerate(elt.elts) if _is_actions(e)), None)
    return None


def _names(node: ast.expr, position: int | None) -> list[str]:
    """The string constants of an expected value; of each tuple, the one at `position`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple) and position is not None:
        return _names(node.elts[position], None) if position < len(node.elts) else []
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [name for elt in node.elts for name in _names(elt, position)]
    return []


def _compared(node: ast.Compare, assigned: dict[str, ast.expr]) -> list[str]:
    sides = [node.left, *node.comparators]
    names = []
    for side, other in itertools.pairwise(sides):
        for actual, expected in ((side, other), (other, side)):
            if _is_actions(actual):
                names += _names(expected, _position(actual, assigned))
            elif isinstance(actual, ast.Tuple) and isinstance(expected, ast.Tuple):
                position = _position(actual, assigned)
                if position is not None and position < len(expected.elts):
                    names += _names(expected.elts[position], None)
    return names


def _looped(node: ast.For) -> list[str]:
    """`for name in ("a", "b"): ... name in actions ...`: the loop's strings."""
    if not isinstance(node.target, ast.Name):
        return []
    target = node.target.id
    for inner in ast.walk(node):
        if isinstance(inner, ast.Compare) and isinstance(inner.left, ast.Name):
            if inner.left.id == target and any(_is_actions(c) for c in inner.comparators):
                return _names(node.iter, None)
    return []


def asserted_actions() -> dict[str, list[str]]:
    """Each action name the tests assert on, with where ("file:line")."""
    found: dict[str, list[str]] = {}
    for path in (ROOT / "tests").rglob("*.py"):
        tree = ast.parse(path.read_text())
        assigned = {
            node.targets[0].id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        }
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Compare):
                names = _compared(node, assigned)
            elif isinstance(node, ast.For):
                names = _looped(node)
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "audit_count" and node.args:
                    names = _names(node.args[-1], None)
                elif name in ("index", "count") and _is_actions(node.func.value):  # type: ignore[attr-defined]
                    names = [n for arg in node.args for n in _names(arg, None)]
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            for name in names:
                found.setdefault(name, []).append(where)
    return found


def test_the_workflows_record_the_actions_named_in_this_guard():
    recorded = recorded_actions()
    # The expansions and the plain names both reach the set.
    for name in ("expressed_interest", "invitation_declined", "partner_removed", "la_returned"):
        assert name in recorded, name
    assert {"escalation_extend", "escalation_abandon", "notice_sent", "proforma_updated"} <= (
        recorded
    )


def test_every_audit_action_a_test_asserts_on_is_recorded_by_a_workflow():
    asserted = asserted_actions()
    # The guard reads the tests' ways of asserting on actions (else it checks nothing).
    for name in ("invitation_accepted", "notice_circulated", "bid_closed", "member_left"):
        assert name in asserted, name
    assert len(asserted) >= 25, sorted(asserted)
    unknown = {name: where for name, where in asserted.items() if name not in recorded_actions()}
    assert not unknown, f"actions no workflow records: {unknown}"
