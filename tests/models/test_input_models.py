"""Every model that people's input arrives in is bounded: the bid's Updates (from the CLI, the
console, the JSON API and the task pages), the opportunity notice, a notice's mailing, the
proforma form, the membership answers, the framework file and the directory's inputs.

Found by walking models/: each str field (alone, optional or in a list) refuses a megabyte
and a NUL, each list has a length, each number and time a range; where a value lands in a
column, the field refuses one character more than the column holds."""

import importlib
import pkgutil
import types
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from annotated_types import MaxLen
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from sqlalchemy.orm import InstrumentedAttribute

import models
from models import bid_answers, tables
from models.directory import CountsInput, DirectorySearch, KnownProvider, MatchInput
from models.framework import Framework
from models.membership import (
    BoundedProforma,
    ContactForm,
    FrameworkAdoption,
    Leave,
    Override,
    ProformaForm,
)
from models.notice import NoticeInput
from models.opportunity import OpportunityNotice
from starter import UPDATES

# The models a person's input is read into outside the bid's Updates.
EDGE = [
    OpportunityNotice,
    NoticeInput,
    ProformaForm,
    BoundedProforma,
    Override,
    Leave,
    FrameworkAdoption,
    Framework,
    DirectorySearch,
    KnownProvider,
    MatchInput,
    CountsInput,
]


def all_models() -> dict[str, type[BaseModel]]:
    """Every pydantic model defined under models/, by its qualified name."""
    found = {}
    for module in pkgutil.iter_modules(models.__path__, "models."):
        if module.name.startswith("models.migrations"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                if value.__module__ == module.name:
                    found[f"{value.__module__}.{value.__name__}"] = value
    return found


def nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in nested(arg)]


def input_models() -> list[type[BaseModel]]:
    """The Update inputs (every model of models/bid_answers.py, and whatever the CLI sends),
    the edge models above, and every model nested in one of them."""
    known = all_models()
    roots = [m for name, m in known.items() if name.startswith("models.bid_answers.")]
    roots += [update.input for update in UPDATES.values()] + EDGE
    seen: list[type[BaseModel]] = []
    while roots:
        model = roots.pop()
        if model not in seen:
            assert f"{model.__module__}.{model.__name__}" in known, model
            seen.append(model)
            roots += [m for field in model.model_fields.values() for m in nested(field.annotation)]
    return sorted(seen, key=lambda m: m.__name__)


def adapter_for(info: FieldInfo) -> TypeAdapter:
    """The field alone, with its constraints."""
    return TypeAdapter(
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )


def fields(kinds: tuple[type, ...]) -> list:
    """(model, field name, adapter, shape) for each field whose innermost type is one of
    `kinds`; `shape` wraps one value as the field takes it (alone or in a list)."""
    found = []
    for model in input_models():
        for name, info in model.model_fields.items():
            base, in_list = innermost(info.annotation)
            if base in kinds:
                adapter = adapter_for(info)
                shape = (lambda v: [v]) if in_list else (lambda v: v)
                found.append(pytest.param(adapter, shape, id=f"{model.__name__}.{name}"))
    return found


def innermost(annotation: Any) -> tuple[Any, bool]:
    """The type inside Annotated, Optional and list, and whether a list held it."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return innermost(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
        kept = [a for a in kept if get_origin(a) is not Literal] or kept
        return innermost(kept[0])
    if origin is list:
        return innermost(get_args(annotation)[0])[0], True
    return annotation, False


def test_the_walk_finds_every_kind_of_input():
    names = {m.__name__ for m in input_models()}
    assert {"ExpressionOfInterest", "OutcomeInput", "SectionAssignment", "ContactForm"} <= names
    assert {"OpportunityNotice", "NoticeInput", "ProformaForm", "Signpost", "Reminders"} <= names
    assert len(fields((str,))) > 60


@pytest.mark.parametrize(("adapter", "shape"), fields((str,)))
def test_every_text_field_refuses_a_megabyte(adapter, shape):
    with pytest.raises(ValidationError):
        adapter.validate_python(shape("x" * 1_000_000))


@pytest.mark.parametrize(("adapter", "shape"), fields((str,)))
def test_every_text_field_refuses_a_nul(adapter, shape):
    with pytest.raises(ValidationError):
        adapter.validate_python(shape("ab\x00cd"))


@pytest.mark.parametrize(("adapter", "shape"), fields((Decimal,)))
@pytest.mark.parametrize("value", ["1E+999999999", 1e20, "-5000", "NaN", "0.001"])
def test_every_sum_of_money_refuses_what_its_column_cannot_hold(adapter, shape, value):
    with pytest.raises(ValidationError):
        adapter.validate_python(shape(value))


@pytest.mark.parametrize(("adapter", "shape"), fields((int,)))
@pytest.mark.parametrize("value", [10**20, -(10**20)])
def test_every_whole_number_has_a_range(adapter, shape, value):
    with pytest.raises(ValidationError):
        adapter.validate_python(shape(value))


@pytest.mark.parametrize(("adapter", "shape"), fields((datetime,)))
@pytest.mark.parametrize("value", ["2027-03-01T17:00:00", "1999-05-01T12:00:00+00:00"])
def test_every_time_needs_a_zone_and_a_year_from_2000(adapter, shape, value):
    with pytest.raises(ValidationError):
        adapter.validate_python(shape(value))


@pytest.mark.parametrize(("adapter", "shape"), fields((date,)))
def test_every_day_is_from_2000(adapter, shape):
    with pytest.raises(ValidationError):
        adapter.validate_python(shape("1999-12-31"))


def test_every_list_has_a_length():
    unbounded = [
        f"{model.__name__}.{name}"
        for model in input_models()
        for name, info in model.model_fields.items()
        if get_origin(info.annotation) is list
        and not any(isinstance(m, MaxLen) for m in info.metadata)
    ]
    assert unbounded == []


def column_length(column: InstrumentedAttribute) -> int:
    return column.property.columns[0].type.length


# (model, field, the column its value is written to)
COLUMNS = [
    (OpportunityNotice, "id", tables.Opportunity.id),
    (OpportunityNotice, "funder", tables.Opportunity.funder),
    (OpportunityNotice, "title", tables.Opportunity.title),
    (OpportunityNotice, "currency", tables.Opportunity.currency),
    (ProformaForm, "name", tables.Organisation.name),
    (ProformaForm, "legal_form", tables.Organisation.legal_form),
    (ProformaForm, "charity_number", tables.Organisation.charity_number),
    (ProformaForm, "company_number", tables.Organisation.company_number),
    (ProformaForm, "locality", tables.Organisation.locality),
    (ContactForm, "name", tables.Contact.name),
    (ContactForm, "role", tables.Contact.role),
    (KnownProvider, "name", tables.KnownProvider.name),
    (KnownProvider, "charity_number", tables.KnownProvider.charity_number),
    (bid_answers.Answer, "actor", tables.Organisation.id),
    (bid_answers.LeadChoice, "organisation_id", tables.Organisation.id),
    (bid_answers.SectionAssignment, "section", tables.Section.key),
    (bid_answers.ContributionInput, "section", tables.Contribution.section_key),
    (bid_answers.ContributionInput, "attachment_name", tables.Contribution.attachment_name),
    (bid_answers.SignatureInput, "version_hash", tables.Signature.agreement_hash),
    (bid_answers.SignatureInput, "signer_name", tables.Signature.signer_name),
    (bid_answers.SignatureInput, "signer_role", tables.Signature.signer_role),
    (NoticeInput, "subject", tables.OutboxMessage.subject),
    (NoticeInput, "actor", tables.AuditEntry.actor),
    (Override, "by", tables.AuditEntry.actor),
]


@pytest.mark.parametrize(
    ("model", "name", "column"),
    [pytest.param(*c, id=f"{c[0].__name__}.{c[1]}") for c in COLUMNS],
)
def test_a_field_refuses_one_character_more_than_its_column_holds(model, name, column):
    adapter = adapter_for(model.model_fields[name])
    with pytest.raises(ValidationError):
        adapter.validate_python("X" * (column_length(column) + 1))


def test_an_email_address_fits_the_contacts_and_outbox_columns():
    adapter = adapter_for(ContactForm.model_fields["email"])
    longest = "a" * 64 + "@" + "b" * 185 + ".org"
    assert len(adapter.validate_python(longest)) == 254
    assert 254 <= column_length(tables.Contact.email)
    assert 254 <= column_length(tables.OutboxMessage.to_address)
