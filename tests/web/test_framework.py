"""The framework page: members by status, theme and locality with the gaps, renewals due,
and the figures of success month by month, as SVG drawn on the server."""

import asyncio
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from typer.testing import CliRunner

from cli import app
from models import bid_answers as a
from models.tables import Organisation
from tests.helpers import wait_until
from tests.web.closing_support import SHORT_COMMENTS, to_award
from web.charts import bar_chart, column_chart


def test_a_bar_chart_marks_gaps_and_escapes_labels():
    svg = bar_chart("By theme", {"young <carers>": 3, "rural isolation": 0})
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "young &lt;carers&gt;" in svg and "<carers>" not in svg
    assert svg.count('fill="#b00020"') == 1  # the one gap


def test_a_column_chart_shows_each_period_and_its_value():
    svg = column_chart("Won", {"2026-10": 0, "2026-11": 120000}, unit="£")
    assert "2026-10" in svg and "£120,000" in svg


async def test_the_coordinator_sees_the_framework_with_gaps_and_renewals(
    web, sessions, time_skipping_env
):
    tag = uuid.uuid4().hex[:6]
    soon = (await time_skipping_env.get_current_time() + timedelta(days=20)).date()
    async with sessions() as session, session.begin():
        session.add(
            Organisation(
                id=f"renewing-{tag}",
                name=f"Renewing Trust {tag}",
                status="full",
                themes=["young carers"],
                localities=["Weardale"],
                renewal_due=soon,
            )
        )
    page = await web.as_coordinator().get("/framework")
    assert page.status_code == 200
    assert page.text.count("<svg") == 8
    assert "Active members by theme" in page.text and "Value won, by month" in page.text
    assert f"Renewing Trust {tag}" in page.text
    assert "Gaps (no active member)" in page.text  # not every theme has a member in tests

    lead = web.as_lead(f"renewing-{tag}")
    assert (await lead.get("/framework")).status_code == 403
    assert (await web.as_partner().get("/framework")).status_code == 401


def _won(page: str) -> tuple[Decimal, Decimal]:
    """The framework page's value won: the headline figure, and this month's column."""
    headline = re.search(r"<strong>£([\d,]+)</strong> won", page)
    chart = re.search(r'aria-label="Value won, by month".*?</svg>', page, re.S)
    assert headline and chart, "no value won on the page"
    month = f"{datetime.now(UTC):%Y-%m}"  # the bids row's month: the database's clock
    column = re.search(rf"<title>{month}: £([\d,]+)</title>", chart.group())
    assert column, f"no column for {month}"
    return _pounds(headline.group(1)), _pounds(column.group(1))


def _pounds(shown: str) -> Decimal:
    return Decimal(shown.replace(",", ""))


async def test_value_won_is_what_the_funder_awarded_not_the_advertised_value(
    web, time_skipping_env, sessions, settings, mailbox, monkeypatch
):
    web.app.state.services.clock = None  # the page's months by the wall clock, as the rows'
    monkeypatch.setenv("DATABASE_URL", settings.database_url.get_secret_value())

    async def figures() -> dict:
        run = await asyncio.to_thread(CliRunner().invoke, app, ["member", "figures", "--json"])
        assert run.exit_code == 0, run.output
        return json.loads(run.output)

    async def page() -> str:
        return (await web.as_coordinator().get("/framework")).text

    bid = await web.start_bid(la_signoff=False, timetable=SHORT_COMMENTS)
    secret = web.settings.secret_key.get_secret_value()
    await to_award(bid, mailbox, secret, await time_skipping_env.get_current_time())
    before_page, before_cli = _won(await page()), await figures()
    award = a.OutcomeInput(actor="coordinator", awarded=True, value=95000, start_date="2027-04-01")
    await bid.handle.execute_update("record_outcome", award)
    await bid.reach("awarded")
    await bid.handle.result()

    async def counted() -> bool:  # the read model follows by an activity
        return (await figures())["bids_won"] == before_cli["bids_won"] + 1

    await wait_until(counted)
    after_page, after_cli = _won(await page()), await figures()
    assert bid.notice.value == 120000  # advertised; the funder awarded less
    assert Decimal(str(after_cli["value_won"])) - Decimal(str(before_cli["value_won"])) == 95000
    assert [x - y for x, y in zip(after_page, before_page, strict=True)] == [95000, 95000]
    text = await asyncio.to_thread(CliRunner().invoke, app, ["member", "figures"])
    assert f"value won: £{Decimal(str(after_cli['value_won'])):,.2f}" in text.output
