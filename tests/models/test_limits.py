"""The limit types of models/limits.py one by one: what each accepts as it is (or normalised),
what it refuses, and that the refusal says what the limit is."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from models.bid_answers import ExpressionOfInterest, LocalAuthorityDecision, SignatureInput
from models.limits import (
    MAX_MONEY,
    Aware,
    BidId,
    Comments,
    Currency,
    Day,
    Digest,
    Email,
    FileName,
    Identifier,
    Label,
    LongText,
    Money,
    Name,
    Note,
    Reference,
    Registration,
    Role,
    Title,
    Url,
    Year,
    checked,
    one_line,
)
from models.notice import NoticeInput

ONE_LINE = [
    pytest.param(Label, 80, id="Label"),
    pytest.param(Registration, 20, id="Registration"),
    pytest.param(Digest, 64, id="Digest"),
    pytest.param(Role, 120, id="Role"),
    pytest.param(Name, 200, id="Name"),
    pytest.param(Reference, 200, id="Reference"),
    pytest.param(FileName, 255, id="FileName"),
    pytest.param(Title, 300, id="Title"),
    pytest.param(Url, 2_000, id="Url"),
]
MULTI_LINE = [
    pytest.param(Note, 2_000, id="Note"),
    pytest.param(Comments, 10_000, id="Comments"),
    pytest.param(LongText, 50_000, id="LongText"),
]
# Everything a person may type, control characters aside.
TYPED = st.characters(exclude_categories=("Cc", "Cs"))
CONTROLS = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
)


def refusal(annotation: Any, value: Any) -> str:
    """The one-line message a value is refused with (the test fails if it is accepted)."""
    with pytest.raises(ValidationError) as refused:
        checked("field", annotation, value)
    return one_line(refused.value)


@pytest.mark.parametrize(("kind", "limit"), ONE_LINE)
@given(data=st.data())
def test_one_line_of_typed_text_within_the_limit_is_kept_without_its_surrounding_spaces(
    kind, limit, data
):
    text = data.draw(st.text(TYPED, max_size=limit))
    assert checked("field", kind, text) == text.strip()


@pytest.mark.parametrize(("kind", "limit"), ONE_LINE)
@given(data=st.data())
def test_one_line_with_a_control_character_is_refused_naming_it(kind, limit, data):
    text = data.draw(st.text(TYPED, max_size=limit - 3))
    control = data.draw(st.sampled_from(["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x9f"]))
    at = data.draw(st.integers(0, len(text)))
    message = refusal(kind, f"a{text[:at]}{control}b{text[at:]}")
    assert message.startswith("field: must not contain the control character U+")
    assert f"U+{ord(control):04X}" in message


@pytest.mark.parametrize(("kind", "limit"), [*ONE_LINE, *MULTI_LINE])
def test_text_over_its_limit_is_refused_saying_the_limit(kind, limit):
    assert (
        refusal(kind, "x" * (limit + 1)) == f"field: String should have at most {limit} characters"
    )
    assert "x" * 1_000_000 not in refusal(kind, "x" * 1_000_000)  # the input is not echoed


@pytest.mark.parametrize(("kind", "limit"), MULTI_LINE)
@settings(deadline=None)
@given(data=st.data())
def test_text_over_lines_keeps_tabs_and_newlines_and_takes_crlf_as_a_newline(kind, limit, data):
    lines = data.draw(st.lists(st.text(TYPED, max_size=40), max_size=20))
    text = "\r\n".join(lines)[: limit // 2]
    assert checked("field", kind, text) == text.replace("\r\n", "\n")
    assert checked("field", kind, "a\tb\n") == "a\tb\n"


@pytest.mark.parametrize(("kind", "limit"), MULTI_LINE)
@given(text=st.text(TYPED, max_size=200), control=CONTROLS, at=st.integers(0, 200))
def test_text_over_lines_refuses_any_other_control_character(kind, limit, text, control, at):
    message = refusal(kind, text[:at] + control + text[at:])
    assert f"must not contain the control character U+{ord(control):04X}" in message


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True))
def test_an_identifier_of_safe_characters_is_kept(value):
    assert checked("field", Identifier, value) == value
    assert checked("field", BidId, value) == value


@given(
    head=st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True),
    bad=st.characters(exclude_characters="._-", exclude_categories=("Lu", "Ll", "Nd")),
)
def test_an_identifier_with_anything_else_is_refused(head, bad):
    message = refusal(Identifier, head + bad)
    assert "letters, digits, '.', '_' and '-'" in message or "control" in message


@pytest.mark.parametrize("kind", [Identifier, BidId])
@pytest.mark.parametrize("value", ["org\ud800", "\udfff", "a\udc80b"])
def test_an_identifier_with_a_lone_surrogate_is_refused_as_an_identifier(kind, value):
    """A forged "\\ud800" in JSON reaches the model as a lone surrogate: refused with the
    identifier's rule, not pydantic's "unable to parse raw data as a unicode string"."""
    assert "letters, digits, '.', '_' and '-'" in refusal(kind, value)


# A lone surrogate as it reaches a model: typed in Python, or read by json.loads (as the JSON
# API's body is) from a forged escape. The code is the one the refusal names.
LONE_SURROGATES = [
    pytest.param("\ud800", "D800", id="ud800"),
    pytest.param("a\udfffb", "DFFF", id="a-udfff-b"),
    pytest.param(json.loads('"\\ud83d"'), "D83D", id="json-ud83d"),
]
IDENTIFIER_WORDS = "use only letters, digits, '.', '_' and '-', starting with a letter or a digit"
# Each text type in the words it refuses a character it does not take with.
IN_ITS_OWN_WORDS = [
    *(
        pytest.param(kind.values[0], "must not contain the control character U+{code}", id=kind.id)
        for kind in [*ONE_LINE, *MULTI_LINE]
    ),
    pytest.param(Identifier, IDENTIFIER_WORDS, id="Identifier"),
    pytest.param(BidId, IDENTIFIER_WORDS, id="BidId"),
    pytest.param(
        Email,
        "is not an e-mail address: give one like name@example.org, with no spaces or line breaks",
        id="Email",
    ),
    pytest.param(
        Currency, "must be an ISO 4217 code of three capital letters, such as GBP", id="Currency"
    ),
]


@pytest.mark.parametrize(("kind", "words"), IN_ITS_OWN_WORDS)
@pytest.mark.parametrize(("value", "code"), LONE_SURROGATES)
def test_text_with_a_lone_surrogate_is_refused_in_its_own_words(kind, words, value, code):
    """Pydantic would say only "Input should be a valid string, unable to parse raw data as a
    unicode string", before the type's own rule runs."""
    message = refusal(kind, value)
    assert message == "field: " + words.format(code=code)
    assert "unable to parse raw data" not in message


@pytest.mark.parametrize(
    ("model", "body", "refused"),
    [
        pytest.param(
            ExpressionOfInterest,
            '{"answer": "partner", "note": "We can help\\ud800"}',
            "note: must not contain the control character U+D800",
            id="a note",
        ),
        pytest.param(
            SignatureInput,
            '{"version_hash": "abc", "signer_name": "Ann \\udfff", "signer_role": "Chair"}',
            "signer_name: must not contain the control character U+DFFF",
            id="a name",
        ),
        pytest.param(
            LocalAuthorityDecision,
            '{"approve": false, "sections": ["summary", "\\ud83d"]}',
            "sections.1: must not contain the control character U+D83D",
            id="a label in a list",
        ),
        pytest.param(
            LocalAuthorityDecision,
            '{"approve": false, "returns": [{"section": "summary", "comment": "\\ud800"}]}',
            "returns.0.comment: must not contain the control character U+D800",
            id="comments in a nested model",
        ),
    ],
)
def test_an_answer_from_json_with_a_forged_surrogate_is_refused_naming_the_field(
    model, body, refused
):
    """The JSON API reads a body with json.loads and validates the answer from it
    (web/bid_actions.py), so a forged escape reaches the answer's types as a lone surrogate."""
    with pytest.raises(ValidationError) as error:
        model.model_validate({**json.loads(body), "actor": "coordinator"})
    assert one_line(error.value) == refused


def test_a_mailing_from_json_with_a_forged_surrogate_in_an_address_is_refused_as_no_address():
    body = json.loads(
        '{"key": "welcome", "actor": "Ann", "recipients": ["ann@example.org", "b\\ud800@x.org"],'
        ' "subject": "Welcome", "body": "Hello"}'
    )
    with pytest.raises(ValidationError) as error:
        NoticeInput.model_validate(body)
    assert one_line(error.value) == (
        "recipients.1: is not an e-mail address: give one like name@example.org, "
        "with no spaces or line breaks"
    )


def test_a_forged_surrogate_read_by_pydantic_s_own_json_parser_is_invalid_json():
    """model_validate_json never hands a lone surrogate to a type: its parser refuses the
    escape itself, in words of its own."""
    with pytest.raises(ValidationError) as error:
        ExpressionOfInterest.model_validate_json(
            '{"actor": "coordinator", "answer": "partner", "note": "\\ud800"}'
        )
    message = one_line(error.value)
    assert message.startswith("input: Invalid JSON")
    assert "unable to parse raw data" not in message


def test_identifiers_are_as_long_as_their_columns():
    assert refusal(Identifier, "a" * 65) == "field: String should have at most 64 characters"
    assert refusal(BidId, "a" * 101) == "field: String should have at most 100 characters"
    assert "letters, digits" in refusal(Identifier, "-leading-dash")
    assert "at least 1 character" in refusal(Identifier, "")


LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,30}", fullmatch=True)
DOMAIN = st.lists(st.from_regex(r"[a-zA-Z0-9-]{1,20}", fullmatch=True), min_size=2, max_size=4)


@given(local=LOCAL, labels=DOMAIN)
def test_an_email_address_is_kept_with_its_domain_in_lower_case(local, labels):
    domain = ".".join(labels)
    assert checked("field", Email, f"  {local}@{domain} ") == f"{local}@{domain.lower()}"


@given(
    local=LOCAL,
    labels=DOMAIN,
    injected=st.sampled_from(["\r\n", "\n", "\r", " ", "\x00", ",", ";", "<", ">", "@", '"']),
    at_local=st.booleans(),
)
def test_an_email_address_with_a_break_a_space_or_a_second_recipient_is_refused(
    local, labels, injected, at_local
):
    domain = ".".join(labels)
    address = f"{local}{injected}x@{domain}" if at_local else f"{local}@{domain}{injected}x.org"
    assert "is not an e-mail address" in refusal(Email, address)


def test_an_email_address_has_at_most_254_characters_and_a_domain():
    assert refusal(Email, "a" * 64 + "@" + "b" * 186 + ".org") == (
        "field: String should have at most 254 characters"
    )
    for address in ("ann", "ann@", "@example.org", "ann@localhost", "ann@example..org"):
        assert "is not an e-mail address" in refusal(Email, address)


@given(st.decimals(min_value=0, max_value=MAX_MONEY, places=2))
def test_money_in_pence_up_to_the_column_is_kept(value):
    assert checked("field", Money, value) == value
    assert checked("field", Money, str(value)) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5000", "greater than or equal to 0"),
        ("-0.01", "greater than or equal to 0"),
        ("1E+999999999", "less than or equal to 999999999999.99"),
        (1e20, "less than or equal to 999999999999.99"),
        ("1000000000000", "less than or equal to 999999999999.99"),
        ("0.001", "no more than 2 decimal places"),
        ("NaN", "finite number"),
        ("Infinity", "finite number"),
    ],
)
def test_money_out_of_range_is_refused_saying_the_range(value, message):
    assert message in refusal(Money, value)


def test_money_from_json_with_a_huge_exponent_is_refused():
    class Award(BaseModel):
        value: Money

    with pytest.raises(ValidationError, match="finite number"):
        Award.model_validate_json('{"value": 1E+999999999}')


@given(st.from_regex(r"[A-Z]{3}", fullmatch=True))
def test_a_currency_is_three_capital_letters(code):
    assert checked("field", Currency, code) == code


def test_a_currency_in_lower_case_is_read_in_capitals():
    assert checked("field", Currency, " gbp ") == "GBP"


@pytest.mark.parametrize("code", ["<s>", "GB", "GBPX", "G\x00P", "£££", "1GB"])
def test_anything_else_is_not_a_currency(code):
    message = refusal(Currency, code)
    assert "three capital letters" in message or "at most 3 characters" in message


@given(st.integers(1900, 2100))
def test_a_year_from_1900_to_2100_is_kept(year):
    assert checked("field", Year, year) == year


@given(st.integers().filter(lambda y: not 1900 <= y <= 2100))
def test_a_year_outside_1900_to_2100_is_refused(year):
    assert "field: Input should be" in refusal(Year, year)


@given(
    moment=st.datetimes(datetime(2000, 1, 2), datetime(2100, 12, 30), timezones=ZONES),
)
def test_a_time_with_a_zone_in_this_century_or_the_next_is_kept(moment):
    assert checked("field", Aware, moment) == moment
    assert checked("field", Aware, moment.isoformat()) == moment


@given(moment=st.datetimes(datetime(2000, 1, 1), datetime(2100, 12, 31)))
def test_a_time_without_a_zone_is_refused_in_plain_words(moment):
    message = refusal(Aware, moment.isoformat())
    assert message == "field: give the time with a time zone, e.g. 2027-03-01T17:00:00+00:00"


@given(
    moment=st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=ZONES).filter(
        lambda m: not 2000 <= m.year <= 2100
    )
)
def test_a_time_before_2000_or_after_2100_is_refused(moment):
    assert refusal(Aware, moment) == "field: must be between the years 2000 and 2100"


@given(st.dates(date(1, 1, 1), date(9999, 12, 31)))
def test_a_day_is_kept_only_from_2000_to_2100(day):
    if 2000 <= day.year <= 2100:
        assert checked("field", Day, day) == day
    else:
        assert refusal(Day, day) == "field: must be between the years 2000 and 2100"


def test_several_problems_are_one_line_each_naming_its_field():
    class Form(BaseModel):
        title: Title
        value: Money
        when: Aware

    with pytest.raises(ValidationError) as refused:
        Form(title="T\x00", value=Decimal("-1"), when=datetime(1999, 5, 1))
    assert one_line(refused.value) == (
        "title: must not contain the control character U+0000; "
        "value: Input should be greater than or equal to 0; "
        "when: give the time with a time zone, e.g. 2027-03-01T17:00:00+00:00"
    )
