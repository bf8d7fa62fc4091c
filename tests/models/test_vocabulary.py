"""The framework's vocabulary (themes, localities, synonyms, any case) and DBS checks with a
renewal date: pure, no servers."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from models.entry_criteria import assess, in_vocabulary, proforma_problems, renewal_dates
from models.framework import Framework
from models.membership import ProformaForm
from tests.models.test_entry_criteria import TODAY, ready
from web.vocabulary import parse_vocabulary

FRAMEWORK = Framework()


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("family support", "family support"),
        ("Family Support", "family support"),
        ("  FAMILY   support ", "family support"),
        ("domestic violence", "domestic abuse"),
        ("Youth", "young people"),
        ("children's centres", "children's centres"),
        ("substance misuse", "substance misuse"),
    ],
)
def test_themes_the_seeds_organisations_name_are_the_frameworks(said, meant):
    assert FRAMEWORK.theme(said) == meant


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("easington", "Easington"),
        ("durham and chester-le-street", "Durham & Chester-le-Street"),
        ("Peterlee", "Easington"),
        ("county wide", "County-wide"),
    ],
)
def test_a_locality_in_any_case_or_by_its_town_is_the_frameworks(said, meant):
    assert FRAMEWORK.locality(said) == meant


def test_an_unknown_word_is_no_theme_and_is_named():
    assert FRAMEWORK.theme("basket weaving") is None
    problems = proforma_problems(ready(themes=["basket weaving"]), FRAMEWORK, TODAY)
    assert problems == ["'basket weaving' is not one of the framework's themes."]


def test_a_proforma_in_its_own_words_is_accepted_and_filed_in_the_frameworks():
    said = ready(
        themes=["Family Support", "family support", "youth"],
        locality="easington",
        localities_served=["easington", "Stanley"],
    )
    assert proforma_problems(said, FRAMEWORK, TODAY) == []

    filed = in_vocabulary(said, FRAMEWORK)

    assert filed.themes == ["family support", "young people"]
    assert (filed.locality, filed.localities_served) == ("Easington", ["Easington", "Derwentside"])


def test_a_synonym_must_name_a_term_and_each_term_is_listed_once():
    vocabulary = parse_vocabulary("play\nfamily support", "Easington", "Kids club = play")
    assert vocabulary.synonyms == {"Kids club": "play"}
    with pytest.raises(ValueError, match="'football', which is not a theme or a locality"):
        parse_vocabulary("play", "Easington", "soccer = football")
    with pytest.raises(ValueError, match="as 'word = term'"):
        parse_vocabulary("play", "Easington", "soccer")
    with pytest.raises(ValidationError, match="Play is listed twice|play is listed twice"):
        parse_vocabulary("play\nPlay", "Easington", "")


def test_dbs_checks_are_met_until_their_renewal_date_and_lapse_with_it():
    current = ready(dbs_expires=TODAY + timedelta(days=10))
    lapsed = ready(dbs_expires=TODAY)
    assert "dbs_checks" in assess(current, FRAMEWORK, TODAY).met
    assert [m.key for m in assess(lapsed, FRAMEWORK, TODAY).missing] == ["dbs_checks"]
    assert renewal_dates(current)["DBS checks"] == TODAY + timedelta(days=10)


def test_the_edge_asks_for_a_dbs_date_not_a_yes():
    data = ready().model_dump(mode="json")
    with pytest.raises(ValidationError, match="Give the date your DBS checks next need renewing"):
        ProformaForm.model_validate(data)
    assert ProformaForm.model_validate({**data, "dbs_expires": date(2030, 1, 1).isoformat()})
