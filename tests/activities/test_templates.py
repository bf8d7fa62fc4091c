"""Every e-mail's subject reads as a sentence: each template in activities/templates/email/
is rendered with sample data (the bid's templates with every heading the bid workflow
writes, read from workflows/bid/ itself) and each subject is checked for what a reader
would trip on: a verb or preposition left dangling, a placeholder left empty, "None", a
lower-case start, a double space, more than 150 characters."""

import ast
import builtins
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any, get_args

from activities.email import TEMPLATES, Templates
from deploy.demo import MEMBERS, opportunity
from models.bid import CLOSED_STAGES
from models.framework import Framework
from models.limits import Name, Title
from models.membership import MissingItem, Outcome
from workflows.bid.escalation import STUCK
from workflows.bid.leaving import WORDS

WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "bid"
MAX_SUBJECT = 150


def _limit(annotated: Any) -> int:
    return next(m.max_length for m in get_args(annotated)[1:] if getattr(m, "max_length", None))


TITLE_LIMIT, NAME_LIMIT = _limit(Title), _limit(Name)

# Sample data: the demo's (deploy/demo.py) real names, sections and opportunity.
NAMES = [member[1] for member in MEMBERS]
SECTIONS = opportunity(datetime.now(UTC))["required_sections"]
TITLES = [
    opportunity(datetime.now(UTC))["title"],
    "Reaching Communities England: improving the lives of people and communities facing the "
    "greatest challenges in County Durham",
    ("Improving Futures in County Durham " * 10)[:TITLE_LIMIT],  # as long as a title may be
]
FRAMEWORK = Framework().name
# As long as the directory lets a name be (an organisation's, a framework's).
LONGEST_NAME = ("Durham Community Action " * 10)[:NAME_LIMIT].strip()

# Words a subject (or a part of it before a colon or a bracket) must not end on.
DANGLING = set(
    "a an the and or but of to for from by with without at in into on onto about as than "
    "led is are was were be been being has have had will shall can may must your its their "
    "our this these".split()
)
# An active perfect with nothing after it ("Beta Trust has removed"): its object is missing.
NO_OBJECT = re.compile(r"\b(has|have|had)\s+\w+ed$", re.IGNORECASE)
EMPTY = re.compile(r"''|\"\"|“”|\(\s*\)|\s[:,.;]|:\s*$|,\s*[,)]|[({]\s|\s[)}]|\{|\}")


def problems(subject: str) -> list[str]:
    """What is wrong with a subject, in words; empty when it reads well."""
    found = []
    if len(subject) > MAX_SUBJECT:
        found.append(f"{len(subject)} characters, over {MAX_SUBJECT}")
    if not subject[:1].isupper():
        found.append("does not start with a capital")
    if "  " in subject:
        found.append("a double space")
    if re.search(r"\bNone\b", subject):
        found.append("says None")
    if EMPTY.search(subject):
        found.append(f"an empty placeholder near {EMPTY.search(subject).group()!r}")
    for part in re.split(r":\s|\s\(|\)", subject):
        if part.endswith("…"):
            continue  # a name cut short says so; it is not a sentence left hanging
        words = re.findall(r"[\w'-]+", part)
        if words and words[-1].lower() in DANGLING:
            found.append(f"'{part.strip()}' ends on '{words[-1]}'")
        if NO_OBJECT.search(part.strip(" .")):
            found.append(f"'{part.strip()}' has a verb without its object")
    return found


# --- the headings the bid workflow writes, read from its source ----------------------------


def _call_name(node: ast.Call) -> str | None:
    return getattr(node.func, "attr", None) or getattr(node.func, "id", None)


def _is_effects_letter(node: ast.Call, module: str) -> bool:
    """`fx.letter(step, to, heading, body, ...)` (`self.letter` inside effects.py itself),
    not Reminders' own `self.letter(task, step, kind)`."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "letter":
        return False
    receiver = ast.unparse(func.value)
    return receiver in ("fx", "self.fx") or (receiver == "self" and module == "effects.py")


def _heading_sites(module: str, tree: ast.Module) -> list[tuple[ast.AST, ast.expr, bool]]:
    """(function, heading expression, is a DueTask's) for every letter and task heading."""
    sites, seen = [], set()
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            seen.add(id(node))
            name = _call_name(node)
            if _is_effects_letter(node, module) and len(node.args) > 2:
                sites.append((function, node.args[2], False))
            for keyword in node.keywords:
                if keyword.arg == "heading" and (
                    name == "DueTask" or _is_effects_letter(node, module)
                ):
                    sites.append((function, keyword.value, name == "DueTask"))
    return sites


def _stuck_stages() -> list[str]:
    """The stages the bid escalates as stuck: the first argument of every `.stuck(...)`."""
    return [
        node.args[0].value
        for path in WORKFLOW.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and _call_name(node) == "stuck" and node.args
        if isinstance(node.args[0], ast.Constant)
    ]


def _samples(task_headings: list[str]) -> dict[str, list[Any]]:
    """What each variable a heading reads can be, by its name in the workflow."""
    tasks = [NS(heading=h, owed_by="org") for h in task_headings]
    return {
        "version": [2],
        "a": [NS(version=2)],
        "key": SECTIONS,
        "input": [NS(section=section) for section in SECTIONS],
        "s": [NS(name_of=lambda _, n=name: n, lead_id="lead") for name in NAMES],
        "partner": [NS(name=name) for name in NAMES],
        "status": list(WORDS),
        "WORDS": [WORDS],
        "stage": _stuck_stages(),
        "STUCK": [STUCK],
        "_who": [lambda state, owed_by: state.name_of(owed_by)],
        "late": tasks,
        "closed": [NS(stage=stage) for stage in CLOSED_STAGES],
        "task": tasks,
        "t": tasks,
        "mine": [[t] for t in tasks] + [tasks[:2]],
    }


def _free_names(expr: ast.expr, samples: dict[str, list[Any]]) -> list[str]:
    """The variables `expr` reads (a builtin such as `len` is not one, unless the workflow
    names a variable after one, as `input`)."""
    names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    return sorted(n for n in names if n in samples or not hasattr(builtins, n))


def _assigned(function: ast.AST, name: str) -> list[ast.expr]:
    return [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]


def _values(expr: ast.expr, function: ast.AST, samples: dict[str, list[Any]]) -> set[str]:
    """Every text `expr` can be: a local variable (`heading = ...`) by what is assigned to
    it, anything else evaluated with each combination of the samples of the names it reads."""
    if isinstance(expr, ast.Name) and _assigned(function, expr.id):
        return {
            v for value in _assigned(function, expr.id) for v in _values(value, function, samples)
        }
    names = _free_names(expr, samples)
    missing = [n for n in names if n not in samples]
    assert not missing, f"say what {missing} can be in _samples ({ast.unparse(expr)})"
    code = compile(ast.Expression(expr), "<heading>", "eval")
    return {
        str(eval(code, {}, dict(zip(names, combination, strict=True))))
        for combination in itertools.product(*(samples[n] for n in names))
    }


def bid_headings() -> set[str]:
    """Every heading the bid's letters and tasks can have: the tasks' first, since a
    reminder, an extension or an overdue letter quotes its task's heading."""
    sites = [
        s for p in WORKFLOW.glob("*.py") for s in _heading_sites(p.name, ast.parse(p.read_text()))
    ]
    before = _samples(["(a task's heading)"])
    tasks = {h for function, expr, task in sites if task for h in _values(expr, function, before)}
    samples = _samples(sorted(tasks))
    return {h for function, expr, _ in sites for h in _values(expr, function, samples)}


# --- every template, rendered -----------------------------------------------------------


def _member(name: str, status: str, framework: str = FRAMEWORK) -> dict[str, Any]:
    """The context the membership workflow gives its e-mails (MembershipSteps._context)."""
    missing = MissingItem(
        key="safeguarding_policy",
        description="A safeguarding policy reviewed in the last year",
        signpost="Durham Community Action",
        signpost_email="help@durhamcommunityaction.example",
    )
    return {
        "organisation": name,
        "contact_name": "Ann Lee",
        "framework": framework,
        "status": status,
        "missing": [missing.model_dump()],
        "suspended_reason": "its insurance lapsed on 3 March 2027",
        "coordinator_email": "coordinator@consortia.example",
        "renewals": {"insurance": "3 March 2027"},
        "today": "1 December 2026",
        "previous": "associate",
        "reason": "The DBS checks were seen.",
        "item": "insurance",
        "due": "3 March 2027",
        "days_left": 30,
    }


def _bid(title: str, heading: str) -> dict[str, Any]:
    """The context of `Effects.letter`, with the task link the e-mail activity adds."""
    return {
        "title": title,
        "heading": heading,
        "body": "Please answer by the date below.",
        "due": "3 March 2027, 17:00",
        "options": "extend, abandon",
        "action_url": "http://localhost:8000/task/abc",
    }


BID_KINDS = ("bid_task", "bid_news", "bid_reminder", "bid_escalation")
MEMBER_STATUSES = get_args(Outcome)  # what an assessment makes an organisation


def contexts() -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for every template, with every sample."""
    headings = sorted(bid_headings())
    rendered = [
        (kind, _bid(title, heading))
        for kind in BID_KINDS
        for title in TITLES
        for heading in headings
    ]
    members = sorted(p.stem for p in TEMPLATES.glob("member_*.txt"))
    rendered += [
        (kind, _member(name, status))
        for kind in members
        for name in NAMES
        for status in MEMBER_STATUSES
    ]
    rendered += [(kind, _member(LONGEST_NAME, "full", LONGEST_NAME)) for kind in members]
    notices = ["Market engagement event, 3 March", *TITLES]
    rendered += [
        ("notice", {"subject": s, "body": "Join us.", "action_url": None}) for s in notices
    ]
    rendered += delivery_contexts()
    return rendered


def delivery_contexts() -> list[tuple[str, dict[str, Any]]]:
    """After the award (workflows/contract/payments.py) and around the bids (workflows/event.py)."""
    owed = "Payment 1 from Big Lottery Fund: what you are owed"
    payments = [
        ("contract_payment", {**_bid(t, owed), "rows": [["Beta Trust", "£3,000.00"]]})
        for t in TITLES
    ]
    where = {"starts": "3 March 2027, 10:00 UTC", "place": "Darlington Town Hall"}
    return payments + [
        ("event_invitation", {**_bid(t, f"You are invited: {t}"), **where}) for t in TITLES
    ]


def test_the_headings_are_the_ones_the_bid_workflow_writes():
    headings = bid_headings()
    for written in (
        "Sign off the bid",
        "Invite your partners",
        "Join the consortium led by Durham Community Action",
        "Write the 'Budget' section",
        "More time: Sign the consortium agreement (version 2)",
        "Stanley Youth Project was removed from the bid.",
        "We will not bid",
        "The bid is cancelled",
    ):
        assert written in headings, written
    assert len(headings) > 100


def test_every_template_is_rendered():
    kinds = {kind for kind, _ in contexts()}
    assert kinds == {p.stem for p in TEMPLATES.glob("*.txt")}


def test_every_subject_reads_as_a_sentence():
    templates = Templates()
    wrong: dict[str, list[str]] = {}
    for kind, context in contexts():
        subject, text, html = templates.render(kind, context)
        assert text.strip() and html.strip(), kind
        found = problems(subject)
        if found:
            wrong.setdefault(f"{kind}: {subject}", found)
    shown = [f"{s[:160]} -> {'; '.join(p)[:120]}" for s, p in sorted(wrong.items())[:25]]
    assert not wrong, f"{len(wrong)} subjects read badly, e.g.:\n" + "\n".join(shown)


def test_the_check_catches_what_a_reader_trips_on():
    assert problems("Beta Trust has removed") == [
        "'Beta Trust has removed' has a verb without its object"
    ]
    assert problems("Reminder: Join the consortium led by  (Improving Futures)")
    assert problems("Improving Futures: Join the consortium led by")
    assert problems("Reminder: None (Improving Futures)")
    assert problems("the funder's decision")
    assert problems("Improving Futures: Write the '' section")
    assert problems("x" * 151)
    assert problems("Improving Futures: Beta Trust was removed from the bid.") == []
