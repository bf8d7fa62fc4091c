"""The framework page: members by status, theme and locality with the gaps, renewals due,
and the figures of success month by month, as SVG drawn on the server."""

import uuid
from datetime import timedelta

from models.tables import Organisation
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
