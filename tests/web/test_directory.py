"""The directory on the web, through the app on the real servers: the coordinator's search by
theme, locality, size and willingness to lead (in any case, or by a synonym), the map of
expertise with its gaps, a member's page with its history, and the vocabulary page."""

import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import delete

from models.directory import MemberMatch, expertise_map
from models.tables import AuditEntry, Contact, FrameworkVocabulary, Organisation
from tests.web.support import CSRF


async def add(sessions, tag: str, specs: dict[str, dict]) -> dict[str, str]:
    """Organisations named after this test's tag, each with a primary contact."""
    ids = {}
    async with sessions() as session, session.begin():
        for name, spec in specs.items():
            org_id = f"{name}-{tag}"
            ids[name] = org_id
            session.add(
                Organisation(
                    id=org_id,
                    name=f"{name.capitalize()} {tag}",
                    status=spec.get("status", "full"),
                    themes=spec.get("themes", ["family support"]),
                    localities=spec.get("localities", ["Easington"]),
                    willing_to_lead=spec.get("lead", False),
                    annual_turnover=Decimal(spec.get("turnover", 50_000)),
                    proforma={"track_record": []},
                )
            )
            await session.flush()
            session.add(
                Contact(
                    organisation_id=org_id,
                    name=f"{name} contact",
                    email=f"{org_id}@example.org",
                    is_primary=True,
                )
            )
    return ids


SPECS = {
    "acorn": {"themes": ["family support", "play"], "lead": True, "turnover": 250_000},
    "birch": {"themes": ["family support"], "localities": ["Teesdale"]},
    "cedar": {"themes": ["family support"], "turnover": 5_000},
    "damson": {"themes": ["mental health"]},
    "elder": {"themes": ["family support"], "status": "suspended"},
    "fir": {"themes": ["family support"], "localities": ["County-wide"]},
}


def shown(page_text: str, ids: dict[str, str]) -> list[str]:
    return sorted(name for name, org in ids.items() if f'data-member="{org}"' in page_text)


async def test_the_coordinator_searches_by_theme_locality_size_and_leading(web, sessions):
    tag = uuid.uuid4().hex[:8]
    ids = await add(sessions, tag, SPECS)
    client = web.as_coordinator()

    async def search(**query) -> str:
        page = await client.get("/directory", params={"name": tag, **query})
        assert page.status_code == 200, page.text
        return page.text

    # In any case, and a locality by its town: the framework's own terms.
    found = await search(theme="Family Support", locality="peterlee")
    assert shown(found, ids) == ["acorn", "cedar", "fir"]  # fir serves the whole county
    assert shown(await search(theme="family support", size="micro"), ids) == ["cedar"]
    assert shown(await search(lead="yes"), ids) == ["acorn"]
    assert shown(await search(status=["suspended"]), ids) == ["elder"]
    assert "6 members found" not in await search()  # suspended ones are left out by default
    assert "5 members found" in await search()

    refused = await client.get("/directory", params={"size": "enormous"})
    assert refused.status_code == 422
    assert web.as_lead(ids["acorn"]) and (await client.get("/directory")).status_code == 403


async def test_a_members_page_shows_its_history(web, sessions):
    tag = uuid.uuid4().hex[:8]
    org = (await add(sessions, tag, {"gorse": {"status": "associate"}}))["gorse"]
    history = [
        (
            "proforma_submitted",
            "ann@example.org",
            {"outcome": "signposted", "missing": ["dbs_checks"]},
        ),
        ("proforma_submitted", "ann@example.org", {"outcome": "full", "previous": "signposted"}),
        ("member_suspended", "system", {"item": "insurance", "due": "2027-03-03"}),
        ("assessment_overridden", "coordinator", {"to": "associate", "reason": "DBS seen"}),
    ]
    async with sessions() as session, session.begin():
        for n, (action, actor, detail) in enumerate(history):
            session.add(
                AuditEntry(
                    key=f"test:{org}:{n}",
                    at=datetime(2027, 1, 1 + n, 9, tzinfo=UTC),
                    actor=actor,
                    action=action,
                    organisation_id=org,
                    detail=detail,
                )
            )

    page = await web.as_coordinator().get(f"/directory/members/{org}")

    assert page.status_code == 200
    text = page.text
    assert f"Gorse {tag}" in text
    for words in ("proforma submitted", "member suspended", "assessment overridden"):
        assert words in text
    assert text.index("assessment overridden") < text.index("member suspended")  # newest first
    assert "reason: DBS seen" in text
    missing = await web.as_coordinator().get("/directory/members/no-such-member")
    assert missing.status_code == 404


@asynccontextmanager
async def vocabulary_restored(sessions):
    """The vocabulary row is the whole app's: put the file's back for the other tests."""
    try:
        yield
    finally:
        async with sessions() as session, session.begin():
            await session.execute(delete(FrameworkVocabulary))


async def test_the_coordinator_keeps_the_vocabulary_and_the_map_shows_its_gaps(web, sessions):
    tag = uuid.uuid4().hex[:8]
    themes = [f"knitting {tag}", f"rowing {tag}"]
    await add(sessions, tag, {"hazel": {"themes": [themes[0]], "localities": ["Easington"]}})
    client = web.as_coordinator()
    async with vocabulary_restored(sessions):
        form = {
            "csrf_token": CSRF,
            "themes": "\n".join(themes),
            "localities": "Easington\nTeesdale\nCounty-wide",
            "synonyms": f"Purling {tag} = knitting {tag}",
        }
        saved = await client.post("/framework/vocabulary", data=form)
        assert saved.status_code == 303

        found = await client.get("/directory", params={"theme": f"purling {tag}"})
        assert f'data-member="hazel-{tag}"' in found.text  # by its synonym
        the_map = (await client.get("/directory/map")).text
        assert the_map.count('class="gap"') == 3  # Teesdale x both, Easington x rowing
        assert f"theme=knitting%20{tag}&amp;locality=Easington" in the_map
        joining = (await web.as_partner().get("/join")).status_code
        assert joining == 200

        client = web.as_coordinator()  # one client: the visitor's page signed it out
        bad = await client.post("/framework/vocabulary", data={**form, "synonyms": "x = y"})
        assert bad.status_code == 422
        assert "&#39;y&#39;, which is not a theme or a locality" in bad.text
        assert (
            await web.as_lead(f"hazel-{tag}").post("/framework/vocabulary", data=form)
        ).status_code == 403


def test_the_map_counts_county_wide_members_everywhere_and_only_active_ones():
    def member(status: str, themes: list[str], localities: list[str]) -> MemberMatch:
        return MemberMatch(
            organisation_id=f"m-{len(themes)}-{status}",
            name="m",
            email="",
            status=status,
            themes=themes,
            localities=localities,
        )

    members = [
        member("full", ["play"], ["Easington"]),
        member("associate", ["play", "youth work"], ["County-wide"]),
        member("suspended", ["play"], ["Teesdale"]),
    ]
    the_map = expertise_map(
        members, ["play", "youth work"], ["Easington", "Teesdale", "County-wide"]
    )
    assert the_map.localities == ["Easington", "Teesdale"]
    assert the_map.cells == {
        "Easington": {"play": 2, "youth work": 1},
        "Teesdale": {"play": 1, "youth work": 1},
    }
    assert (the_map.active_members, the_map.gaps()) == (2, 0)
