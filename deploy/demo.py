"""Demo data drawn from shared/DOMAIN.md: County Durham members and an Improving Futures bid.

Loading twice changes nothing: rows are inserted only where their key is new.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert

import database
from models.opportunity import OpportunityNotice
from models.tables import Contact, Opportunity, Organisation
from settings import Settings

# (id, name, legal form, locality, themes, willing to lead, staff, volunteers, turnover)
MEMBERS = [
    (
        "durham-cvs",
        "Durham Community Action",
        "charitable company",
        "County-wide",
        ["capacity building", "children and families"],
        True,
        40,
        60,
        1_800_000,
    ),
    (
        "derwentside-families",
        "Derwentside Families Together",
        "CIO",
        "Derwentside",
        ["children and families", "early help"],
        True,
        12,
        25,
        420_000,
    ),
    (
        "stanley-youth",
        "Stanley Youth Project",
        "charity",
        "Derwentside",
        ["young people", "mental health"],
        False,
        4,
        18,
        95_000,
    ),
    (
        "chester-le-street-carers",
        "Chester-le-Street Young Carers",
        "CIO",
        "Durham & Chester-le-Street",
        ["young carers", "children and families"],
        False,
        3,
        12,
        70_000,
    ),
    (
        "durham-city-mind",
        "Durham City Wellbeing",
        "charitable company",
        "Durham & Chester-le-Street",
        ["mental health", "adults"],
        True,
        22,
        30,
        900_000,
    ),
    (
        "easington-coast-ca",
        "Easington Coast Community Association",
        "CIO",
        "Easington",
        ["community development", "children and families"],
        False,
        6,
        40,
        150_000,
    ),
    (
        "peterlee-parents",
        "Peterlee Parents' Network",
        "unincorporated association",
        "Easington",
        ["parenting support", "early help"],
        False,
        0,
        15,
        12_000,
    ),
    (
        "sedgefield-complex-needs",
        "Sedgefield Families with Complex Needs Partnership",
        "charitable company",
        "Sedgefield",
        ["children and families", "complex needs"],
        True,
        18,
        20,
        650_000,
    ),
    (
        "newton-aycliffe-sport",
        "Newton Aycliffe Sport for All",
        "CASC",
        "Sedgefield",
        ["sport and physical activity", "young people"],
        False,
        2,
        35,
        60_000,
    ),
    (
        "weardale-rural",
        "Weardale Rural Action",
        "CIO",
        "Weardale",
        ["rural isolation", "older people"],
        False,
        3,
        22,
        80_000,
    ),
    (
        "teesdale-angling",
        "Teesdale Junior Angling Club",
        "unincorporated association",
        "Teesdale",
        ["young people", "sport and physical activity"],
        False,
        0,
        4,
        3_000,
    ),
    (
        "north-east-childrens",
        "North East Children's Charity",
        "charitable company",
        "County-wide",
        ["children and families", "safeguarding", "early help"],
        True,
        120,
        80,
        6_500_000,
    ),
]


def opportunity(now: datetime) -> dict:
    return {
        "id": "improving-futures",
        "funder": "The Big Lottery Fund",
        "title": "Improving Futures",
        "description": (
            "Test new ways for voluntary, community and statutory services to work together "
            "to improve outcomes for children in families with multiple and complex needs."
        ),
        "value": Decimal("500000"),
        "currency": "GBP",
        "themes": ["children and families", "early help", "complex needs"],
        "localities": ["County-wide", "Sedgefield", "Derwentside", "Easington"],
        "submission_deadline": now + timedelta(days=60),
        "interest_cutoff": now + timedelta(days=14),
        "required_sections": [
            "Need and evidence",
            "Delivery model",
            "Partnership and governance",
            "Outcomes and evaluation",
            "Budget",
            "Safeguarding",
        ],
        "min_partners": 3,
        "max_partners": 10,
        "la_signoff_required": True,
    }


def not_started(now: datetime) -> dict:
    """An opportunity registered and not yet bid for: its page shows who the notice would go
    to, and the button that starts the bid."""
    return {
        "id": "ageing-well",
        "funder": "Durham County Council",
        "title": "Ageing Well in Weardale and Teesdale",
        "description": "Tackle loneliness among older people in the dales, with transport.",
        "value": Decimal("90000"),
        "currency": "GBP",
        "themes": ["older people", "rural isolation", "capacity building"],
        "localities": ["Weardale", "Teesdale"],
        "submission_deadline": now + timedelta(days=90),
        "interest_cutoff": now + timedelta(days=21),
        "required_sections": ["Need", "Delivery model", "Budget"],
        "min_partners": 1,
        "la_signoff_required": True,
        "local_authority_email": "approver@durham-council.example.org",
        "stage_windows": {"partner": 14},
    }


def improving_futures() -> OpportunityNotice:
    """The opportunity as its bid's notice, the cut-off and deadline as loaded."""
    return OpportunityNotice.model_validate(opportunity(datetime.now(UTC)))


async def load(settings: Settings) -> None:
    engine = database.make_engine(settings)
    try:
        async with database.make_sessions(engine)() as session, session.begin():
            now = datetime.now(UTC)
            for joined, member in enumerate(MEMBERS):
                org_id, name, form, locality, themes, lead, staff, vols, turnover = member
                await session.execute(
                    insert(Organisation)
                    .values(
                        id=org_id,
                        name=name,
                        legal_form=form,
                        locality=locality,
                        localities=[locality],
                        themes=themes,
                        willing_to_lead=lead,
                        staff=staff,
                        volunteers=vols,
                        annual_turnover=turnover,
                        status="full",
                        # Joined over the past year, a month or so apart: the framework's
                        # members-by-month figure then rises as a real one would.
                        created_at=now - timedelta(days=330 - 28 * joined),
                    )
                    .on_conflict_do_nothing(index_elements=["id"])
                )
                await session.execute(
                    insert(Contact)
                    .values(
                        organisation_id=org_id,
                        name=f"{name} contact",
                        email=f"contact@{org_id}.example.org",
                        role="Chief officer",
                        is_primary=True,
                    )
                    .on_conflict_do_nothing(index_elements=["organisation_id", "email"])
                )
            for terms in (opportunity(now), not_started(now)):
                await session.execute(
                    insert(Opportunity)
                    .values(**OpportunityNotice.model_validate(terms).model_dump())
                    .on_conflict_do_nothing(index_elements=["id"])
                )
    finally:
        await engine.dispose()
