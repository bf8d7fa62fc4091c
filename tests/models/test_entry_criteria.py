"""The entry criteria and proforma checks: pure functions, no servers."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from models.entry_criteria import assess, proforma_problems, renewal_dates, unknown_criteria
from models.framework import EntryCriterion, Framework, load_framework
from models.membership import ContactPerson, PastWork, Proforma, ProformaForm

TODAY = date(2027, 3, 1)
FRAMEWORK = Framework()


def ready(**changes) -> Proforma:
    """A tender-ready charity: meets every default criterion on TODAY."""
    fields = {
        "name": "Stanley Youth Project",
        "legal_form": "charity",
        "charity_number": "1100001",
        "locality": "Derwentside",
        "localities_served": ["Derwentside"],
        "contacts": [ContactPerson(name="Ann", email="ann@stanley.example.org")],
        "themes": ["young people"],
        "safeguarding_policy": True,
        "safeguarding_review_due": TODAY + timedelta(days=200),
        "dbs_checks": True,
        "insurance_expires": TODAY + timedelta(days=100),
        "accounts_year_end": date(2026, 3, 31),
        "track_record": [PastWork(funder="Durham County Council", title="Youth club")],
    }
    return Proforma(**{**fields, **changes})


def test_a_tender_ready_charity_is_a_full_member():
    result = assess(ready(), FRAMEWORK, TODAY)
    assert result.outcome == "full"
    assert result.missing == []
    assert set(result.met) == {c.key for c in FRAMEWORK.criteria}


def test_safeguarding_met_but_not_tender_ready_is_an_associate_with_a_plan():
    result = assess(ready(insurance_expires=None, track_record=[]), FRAMEWORK, TODAY)
    assert result.outcome == "associate"
    assert [m.key for m in result.missing] == ["insurance_current", "track_record"]
    assert result.missing[0].signpost == "Durham Community Action (the local CVS)"


def test_no_safeguarding_policy_is_signposted_with_everything_missing():
    proforma = ready(safeguarding_policy=False, safeguarding_review_due=None, dbs_checks=False)
    result = assess(proforma.model_copy(update={"accounts_year_end": None}), FRAMEWORK, TODAY)
    assert result.outcome == "signposted"
    assert [m.key for m in result.missing] == [
        "safeguarding_current",
        "dbs_checks",
        "accounts_recent",
    ]
    assert result.missing[0].signpost == "One Voice Network"
    assert result.missing[0].signpost_email


def test_accounts_older_than_the_framework_allows_are_not_recent():
    old = ready(accounts_year_end=date(2025, 9, 30))  # 18 months before March 2027
    older = ready(accounts_year_end=date(2025, 8, 31))
    assert assess(old, FRAMEWORK, TODAY).outcome == "full"
    assert [m.key for m in assess(older, FRAMEWORK, TODAY).missing] == ["accounts_recent"]


def test_a_valid_proforma_has_no_problems():
    assert proforma_problems(ready(), FRAMEWORK, TODAY) == []


def test_a_charity_without_its_charity_number_is_refused():
    problems = proforma_problems(ready(charity_number=None), FRAMEWORK, TODAY)
    assert problems == ["A charity needs its charity number: it is missing."]


def test_an_unknown_locality_is_refused_by_name():
    problems = proforma_problems(ready(localities_served=["Gateshead"]), FRAMEWORK, TODAY)
    assert problems == ["'Gateshead' is not a locality of County Durham consortia framework."]


def test_an_expiry_date_in_the_past_is_refused():
    problems = proforma_problems(ready(insurance_expires=date(2027, 2, 1)), FRAMEWORK, TODAY)
    assert len(problems) == 1
    assert "insurance expiry date, 01 February 2027, is in the past" in problems[0]


def test_an_unknown_theme_and_a_bad_email_are_both_reported():
    bad = ready(themes=["astronautics"], contacts=[ContactPerson(name="Bo", email="bo")])
    problems = proforma_problems(bad, FRAMEWORK, TODAY)
    assert "Bo's e-mail address 'bo' is not valid." in problems
    assert "'astronautics' is not one of the framework's themes." in problems


def test_the_edge_form_refuses_a_missing_charity_number_and_unknown_fields():
    data = ready(dbs_expires=TODAY + timedelta(days=300)).model_dump(mode="json")
    with pytest.raises(ValidationError, match="needs its charity number"):
        ProformaForm.model_validate({**data, "charity_number": None})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ProformaForm.model_validate({**data, "favourite_colour": "green"})
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        ProformaForm.model_validate({**data, "staff": -1})
    assert ProformaForm.model_validate(data).name == "Stanley Youth Project"


def test_an_unincorporated_group_with_a_governing_document_is_registered_enough():
    group = ready(legal_form="unincorporated association", charity_number=None)
    assert proforma_problems(group, FRAMEWORK, TODAY) == []
    assert assess(group, FRAMEWORK, TODAY).outcome == "signposted"
    written = group.model_copy(update={"governing_document": True})
    assert assess(written, FRAMEWORK, TODAY).outcome == "full"


def test_a_framework_file_changes_criteria_and_localities(tmp_path):
    darlington = Framework(
        name="Darlington consortia framework",
        localities=["Darlington"],
        criteria=[EntryCriterion(key="safeguarding_current", level="associate")],
    )
    path = tmp_path / "framework.json"
    path.write_text(darlington.model_dump_json())
    loaded = load_framework(path)
    assert loaded == darlington
    assert load_framework(None) == Framework()
    assert assess(ready(track_record=[]), loaded, TODAY).outcome == "full"
    here = ready(locality="Darlington", localities_served=["Darlington"])
    assert proforma_problems(here, loaded, TODAY) == []
    assert proforma_problems(ready(), loaded, TODAY) == [
        "'Derwentside' is not a locality of Darlington consortia framework.",
        "'Derwentside' is not a locality of Darlington consortia framework.",
    ]
    assert unknown_criteria(Framework(criteria=[EntryCriterion(key="vibes")])) == ["vibes"]


def test_renewal_dates_are_the_safeguarding_review_and_insurance_expiry():
    assert renewal_dates(ready()) == {
        "safeguarding": TODAY + timedelta(days=200),
        "insurance": TODAY + timedelta(days=100),
    }
    assert renewal_dates(ready(insurance_expires=None)) == {
        "safeguarding": TODAY + timedelta(days=200)
    }
