"""`consortia contract` and `consortia event` check an answer against its Update's model
before anything is sent: a bad one is refused in one line, naming the field."""

from typer.testing import CliRunner

from cli import app


def test_an_answer_is_checked_against_its_model_before_it_is_sent():
    runner = CliRunner()
    bad = '{"actor": "lead-1", "amount": "-1", "received_on": "2027-01-05", "reference": "r"}'
    result = runner.invoke(
        app, ["contract", "answer", "contract-x", "record_funder_payment"], input=bad
    )
    assert result.exit_code == 2
    assert "amount: Input should be greater than 0" in result.output
    result = runner.invoke(app, ["event", "answer", "event-x", "vote"], input="{}")
    assert result.exit_code == 2 and "one of rsvp, give_feedback" in result.output
    result = runner.invoke(app, ["event", "start"], input='{"title": "x"}')
    assert result.exit_code == 2 and "kind: Field required" in result.output
