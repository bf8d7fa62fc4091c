"""The directory, read from members admitted through MembershipWorkflow: matching for a
notice's circulation list (active members only, leads from willing full members), the
coordinator's search, the counts by theme and locality, and the framework's figures."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.dialects.postgresql import insert

from activities.directory import DirectoryActivities
from activities.members import MemberActivities
from members import MemberClient
from models.bid_public import BidSummary
from models.directory import CountsInput, DirectorySearch, KnownProvider, MatchInput
from models.framework import COUNTY_WIDE, Framework
from models.membership import Override
from models.notice import NoticeInput
from models.tables import Bid, Opportunity
from tests.workflows.test_membership import membership_worker, new_org, ready_proforma, today
from workflows.notice import NoticeWorkflow


@pytest.fixture
def env(time_skipping_env):
    """This module's own time-skipping server (see conftest)."""
    return time_skipping_env


class Area:
    """A framework of its own per test (a unique theme and locality), so the counts and
    matches below see only this test's members in the shared database."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.theme, self.gap_theme = f"play-{tag}", f"astronomy-{tag}"
        self.place, self.gap_place = f"Wolsingham-{tag}", f"Stanhope-{tag}"
        self.framework = Framework(
            themes=[self.theme, self.gap_theme],
            localities=[self.place, self.gap_place, COUNTY_WIDE],
        )


async def admit(members: MemberClient, env, area: Area, **changes) -> str:
    org = new_org()
    fields = {"themes": [area.theme], "locality": area.place, "localities_served": [area.place]}
    proforma = ready_proforma(org, await today(env), **{**fields, **changes})
    await members.submit(org, proforma)
    return org


@pytest.fixture
async def area_members(env, settings, sessions, task_queue):
    """Five organisations through the membership workflow: full lead, full partner county-wide,
    associate, suspended (by the coordinator) and signposted."""
    area = Area()
    async with membership_worker(
        env, settings, sessions, task_queue, framework=area.framework
    ) as members:
        orgs = {
            "lead": await admit(members, env, area, annual_turnover=450_000),
            "county": await admit(
                members,
                env,
                area,
                locality=COUNTY_WIDE,
                localities_served=[COUNTY_WIDE],
                willing_to_lead=False,
            ),
            "associate": await admit(members, env, area, track_record=[], willing_to_lead=True),
            "suspended": await admit(members, env, area),
            "signposted": await admit(members, env, area, dbs_checks=False),
        }
        await members.override(
            orgs["suspended"], Override(status="suspended", reason="insurance certificate forged")
        )
        yield area, orgs, env


async def test_matching_takes_active_members_and_leads_only_from_willing_full_members(
    area_members, sessions
):
    area, orgs, _ = area_members
    directory = DirectoryActivities(sessions)

    circulation = await directory.match_members(
        MatchInput(themes=[area.theme], localities=[area.place])
    )
    leads = await directory.match_members(
        MatchInput(themes=[area.theme], localities=[area.place], leads_only=True)
    )

    ids = {m.organisation_id for m in circulation}
    assert ids == {orgs["lead"], orgs["county"], orgs["associate"]}
    assert [m.organisation_id for m in leads] == [orgs["lead"]]
    lead = next(m for m in circulation if m.organisation_id == orgs["lead"])
    assert (lead.email, lead.track_record, lead.size) == (
        f"ann@{orgs['lead']}.example.org",
        1,
        "medium",
    )


async def test_a_notice_circulated_to_the_match_reaches_active_members_only(
    area_members, sessions, mailbox, task_queue
):
    area, orgs, env = area_members
    circulation = await DirectoryActivities(sessions).match_members(
        MatchInput(themes=[area.theme], localities=[area.place])
    )
    key = f"notice-{uuid.uuid4()}"
    notice = NoticeInput(
        key=key,
        actor="coordinator",
        recipients=[m.email for m in circulation],
        subject=f"New opportunity: Improving Futures ({area.theme})",
        body="Express your interest by 1 April.",
    )

    result = await env.client.execute_workflow(
        NoticeWorkflow.run, notice, id=key, task_queue=task_queue
    )

    assert result.sent == 3
    for who in ("lead", "county", "associate"):
        subjects = [m["Subject"] for m in mailbox.to(f"ann@{orgs[who]}.example.org")]
        assert notice.subject in subjects
    for who in ("suspended", "signposted"):
        subjects = [m["Subject"] for m in mailbox.to(f"ann@{orgs[who]}.example.org")]
        assert notice.subject not in subjects


async def test_the_coordinator_searches_by_theme_locality_size_lead_and_status(
    area_members, sessions
):
    area, orgs, _ = area_members
    search = DirectoryActivities(sessions).search_members

    async def ids(**criteria) -> set[str]:
        return {m.organisation_id for m in await search(DirectorySearch(**criteria))}

    everyone = ["full", "associate", "suspended", "signposted"]
    assert await ids(theme=area.theme) == {orgs["lead"], orgs["county"], orgs["associate"]}
    assert await ids(theme=area.theme, statuses=everyone) == set(orgs.values())
    assert await ids(theme=area.theme, statuses=["suspended"]) == {orgs["suspended"]}
    assert await ids(theme=area.theme, willing_to_lead=True) == {orgs["lead"], orgs["associate"]}
    assert await ids(theme=area.theme, size="medium") == {orgs["lead"]}
    assert await ids(locality=area.gap_place, theme=area.theme) == {orgs["county"]}
    assert await ids(theme=area.gap_theme) == set()


async def test_counts_by_theme_and_locality_show_the_gaps(area_members, sessions):
    area, _, _ = area_members

    counts = await DirectoryActivities(sessions).count_members(
        CountsInput(themes=area.framework.themes, localities=area.framework.localities)
    )

    assert counts.by_theme[area.theme] == 3
    assert counts.by_locality[area.place] == 2  # the county-wide member counts as such
    assert counts.by_locality[COUNTY_WIDE] >= 1
    assert area.gap_theme in counts.theme_gaps
    assert area.gap_place in counts.locality_gaps
    assert area.theme not in counts.theme_gaps


async def test_figures_count_members_waiting_known_providers_and_bids_won(area_members, sessions):
    area, orgs, _ = area_members
    directory, store = DirectoryActivities(sessions), MemberActivities(sessions)
    before = await directory.figures()
    lead_name = (await directory.search_members(DirectorySearch(name=orgs["lead"])))[0].name
    providers = [
        KnownProvider(name=f"The {lead_name.upper()}"),  # the same name, written otherwise
        KnownProvider(name=f"Unknown Trust {area.theme}"),
        KnownProvider(name=f"Other {area.theme}", charity_number=f"X{area.theme}"[:20]),
    ]
    assert await store.save_known_providers(providers) == 3
    assert await store.save_known_providers(providers) == 0  # loading twice adds nothing
    await _bids(sessions, area.theme, ["drafting", "award", "awarded", "not_awarded"])

    after = await directory.figures()

    assert after.known_providers - before.known_providers == 3
    assert after.known_providers_signed_up - before.known_providers_signed_up == 1
    assert after.percent_signed_up == pytest.approx(
        100 * after.known_providers_signed_up / after.known_providers, abs=0.1
    )
    assert (after.bids_started - before.bids_started) == 4
    assert (after.bids_submitted - before.bids_submitted) == 3
    assert (after.bids_won - before.bids_won) == 1
    assert after.value_won - before.value_won == Decimal("120000")
    assert after.members >= 4 and after.waiting >= 1
    assert after.by_status["suspended"] >= 1


async def _bids(sessions, tag: str, stages: list[str]) -> None:
    """Bid rows as the bid workflow's read model writes them; the award records its value."""
    async with sessions() as session, session.begin():
        await session.execute(
            insert(Opportunity).values(
                id=f"opp-{tag}",
                funder="The Big Lottery Fund",
                title="Improving Futures",
                value=Decimal("500000"),
                submission_deadline=datetime.now(UTC) + timedelta(days=60),
                interest_cutoff=datetime.now(UTC) + timedelta(days=14),
                themes=[tag],
                localities=[],
                required_sections=[],
            )
        )
        for n, stage in enumerate(stages):
            # The summary the workflow keeps in the bids row; an award records what was awarded.
            awarded = "120000" if stage == "awarded" else None
            state = BidSummary(stage=stage, awarded_value=awarded).model_dump(mode="json")
            await session.execute(
                insert(Bid).values(
                    id=f"bid-{tag}-{n}", opportunity_id=f"opp-{tag}", stage=stage, state=state
                )
            )
