"""The membership proforma as a web form: the answers as typed (the draft, saved as the
applicant goes), the proforma they make, and the entry criteria explained against them.

A draft holds only the form's own fields, each within a length, so a saved draft is never
larger than the form; the proforma is checked as the CLI checks it (`ProformaForm`, then the
framework's `proforma_problems`) only when it is sent.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from models.entry_criteria import assess, in_vocabulary, proforma_problems
from models.framework import Framework
from models.membership import CHARITY_FORMS, COMPANY_FORMS, Assessment, Proforma, ProformaForm

LEGAL_FORMS = list(dict.fromkeys([*CHARITY_FORMS, *COMPANY_FORMS, "unincorporated association"]))
TRACK_ROWS = 3  # past contracts or grants the form offers; the CLI takes more
TEXT_LIMIT = 2_000  # no answer on the form is longer (the address is the longest)
LIST_LIMIT = 100
# What a draft never keeps: control characters (PostgreSQL refuses a NUL in JSON), bar the
# address's line breaks; the proforma's own checks name anything else when it is sent.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# Every field of the form, with the words its error names.
LABELS = {
    "name": "Organisation name",
    "legal_form": "Legal form",
    "charity_number": "Charity number",
    "company_number": "Company number",
    "governing_document": "Written governing document",
    "address": "Address",
    "locality": "Where you are based",
    "contact_name": "Contact's name",
    "contact_email": "Contact's e-mail address",
    "contact_role": "Contact's role",
    "annual_turnover": "Annual turnover",
    "staff": "Paid staff",
    "volunteers": "Volunteers",
    "themes": "What you do",
    "other_themes": "Other things you do",
    "localities_served": "Where you work",
    "safeguarding_policy": "Safeguarding policy",
    "safeguarding_review_due": "Safeguarding policy next review",
    "dbs_expires": "DBS checks next renewal",
    "insurance_expires": "Public liability insurance expiry",
    "accounts_year_end": "Latest accounts' year end",
    "willing_to_lead": "Willing to lead",
}
for _n in range(1, TRACK_ROWS + 1):
    LABELS |= {
        f"track_funder_{_n}": f"Past work {_n}: funder",
        f"track_title_{_n}": f"Past work {_n}: what it was",
        f"track_year_{_n}": f"Past work {_n}: year",
        f"track_value_{_n}": f"Past work {_n}: value",
    }
LISTS = ("themes", "localities_served")
CHECKBOXES = ("governing_document", "safeguarding_policy", "willing_to_lead")

# Which section of the form answers each entry criterion, to explain it there.
CRITERION_SECTION = {
    "registered": "organisation",
    "safeguarding_current": "safeguarding",
    "dbs_checks": "safeguarding",
    "insurance_current": "safeguarding",
    "accounts_recent": "record",
    "track_record": "record",
}


def draft_from_form(form: FormData) -> dict[str, Any]:
    """The form's own fields as typed, each cut to its limit; anything else is dropped."""
    draft: dict[str, Any] = {}
    for name in LABELS:
        if name in LISTS:
            values = [v for v in form.getlist(name) if isinstance(v, str)]
            draft[name] = [_clean(v)[:80] for v in values[:LIST_LIMIT]]
        elif name in CHECKBOXES:
            draft[name] = form.get(name) == "yes"
        else:
            value = form.get(name)
            draft[name] = _clean(value).strip()[:TEXT_LIMIT] if isinstance(value, str) else ""
    return draft


def _clean(value: str) -> str:
    return CONTROL.sub("", value.replace("\r\n", "\n"))


def draft_from_proforma(proforma: dict[str, Any]) -> dict[str, Any]:
    """A stored proforma (the directory's JSON) as the form's answers: a renewal's start."""
    contact = (proforma.get("contacts") or [{}])[0]
    draft: dict[str, Any] = {
        name: _text(proforma.get(name))
        for name in LABELS
        if name not in LISTS and name not in CHECKBOXES and not name.startswith("track_")
    }
    draft |= {n: bool(proforma.get(n)) for n in CHECKBOXES}
    draft |= {n: list(proforma.get(n) or []) for n in LISTS}
    draft |= {
        "contact_name": contact.get("name", ""),
        "contact_email": contact.get("email", ""),
        "contact_role": contact.get("role", ""),
        "other_themes": "",
    }
    for n, work in enumerate((proforma.get("track_record") or [])[:TRACK_ROWS], start=1):
        for part in ("funder", "title", "year", "value"):
            draft[f"track_{part}_{n}"] = _text(work.get(part))
    return draft


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def proforma_data(draft: dict[str, Any]) -> dict[str, Any]:
    """The proforma's fields from a draft: blanks left out, so that the models' defaults and
    their own checks apply."""
    text = {k: v for k, v in draft.items() if isinstance(v, str) and v != ""}
    themes = list(draft.get("themes") or [])
    themes += [t.strip() for t in text.get("other_themes", "").split(",") if t.strip()]
    data: dict[str, Any] = {
        k: text[k]
        for k in (
            "name",
            "legal_form",
            "charity_number",
            "company_number",
            "address",
            "locality",
            "annual_turnover",
            "staff",
            "volunteers",
            "safeguarding_review_due",
            "dbs_expires",
            "insurance_expires",
            "accounts_year_end",
        )
        if k in text
    }
    data |= {n: bool(draft.get(n)) for n in CHECKBOXES}
    data["dbs_checks"] = "dbs_expires" in text
    data["themes"] = list(dict.fromkeys(themes))
    data["localities_served"] = list(dict.fromkeys(draft.get("localities_served") or []))
    if "contact_name" in text or "contact_email" in text:
        contact = {"name": text.get("contact_name", ""), "email": text.get("contact_email", "")}
        data["contacts"] = [contact | {"role": text.get("contact_role", "")}]
    data["track_record"] = [
        {
            part: text[f"track_{part}_{n}"]
            for part in ("funder", "title", "year", "value")
            if f"track_{part}_{n}" in text
        }
        for n in range(1, TRACK_ROWS + 1)
        if any(f"track_{part}_{n}" in text for part in ("funder", "title", "year", "value"))
    ]
    return data


@dataclass
class Checked:
    """A draft checked for sending: the proforma, or what stops it, in words."""

    proforma: ProformaForm | None = None
    problems: list[str] = field(default_factory=list)


def check(draft: dict[str, Any], framework: Framework, today: date) -> Checked:
    """The proforma a draft makes, in the framework's own words, or every reason it cannot
    be sent yet (as the CLI and the workflow would refuse it)."""
    try:
        proforma = ProformaForm.model_validate(proforma_data(draft))
    except ValidationError as error:
        return Checked(problems=_in_words(error))
    proforma = in_vocabulary(proforma, framework)
    problems = proforma_problems(proforma, framework, today)
    return Checked(proforma=None if problems else proforma, problems=problems)


def _in_words(error: ValidationError) -> list[str]:
    words = []
    for e in error.errors():
        loc = [str(part) for part in e["loc"]]
        where = _place(loc)
        message = e["msg"].removeprefix("Value error, ")
        if (
            e["type"] in ("missing", "string_too_short")
            and (e.get("ctx") or {}).get("min_length", 1) == 1
        ):
            message = "please fill this in"
        elif e["type"] in ("int_parsing", "decimal_parsing", "int_from_float"):
            message = "give a whole number" if e["type"] != "decimal_parsing" else "give a sum"
        words.append(f"{where}: {message}" if where else message)
    return words


def _place(loc: list[str]) -> str:
    if not loc:
        return ""
    if loc[0] == "contacts":
        return LABELS.get(f"contact_{loc[-1]}", "Contact")
    if loc[0] == "track_record" and len(loc) >= 3:
        return LABELS.get(f"track_{loc[2]}_{int(loc[1]) + 1}", "Past work")
    return LABELS.get(loc[0], loc[0].replace("_", " "))


def explain(draft: dict[str, Any], framework: Framework, today: date) -> Assessment:
    """The entry criteria against the answers so far (what is not yet answered counts as
    not met): what the applicant sees beside each section as they save."""
    data = proforma_data(draft)
    data.setdefault("name", "")
    for _ in range(len(data)):
        try:
            proforma = Proforma.model_validate(data)
            break
        except ValidationError as error:  # leave out what does not read yet, and try again
            for bad in {str(e["loc"][0]) for e in error.errors() if e["loc"]}:
                data.pop(bad, None)
    else:
        proforma = Proforma(name="")
    return assess(in_vocabulary(proforma, framework), framework, today)
