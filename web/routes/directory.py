"""The directory on the web, for the coordinator: search members by theme, locality, size and
willingness to lead; the map of VCS expertise (localities x themes, gaps in red); one member's
page with its history (the membership's audit trail); and the framework's vocabulary."""

from typing import Annotated, get_args

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from activities.directory import DirectoryActivities
from models.directory import (
    SEARCHED_BY_DEFAULT,
    SIZE_BANDS,
    DirectorySearch,
    MemberStatus,
    expertise_map,
    size_band,
)
from models.tables import AuditEntry, Contact, Organisation
from web.auth import CoordinatorDep
from web.csrf import verify_csrf
from web.params import ID, TEXT, Notice
from web.services import ServicesDep
from web.templating import message, render
from web.vocabulary import current_framework, parse_vocabulary, save_vocabulary

router = APIRouter(tags=["directory"])

Filter = Annotated[str, Query(max_length=80, pattern=TEXT)]
OrganisationPathId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID)]
STATUSES: tuple[str, ...] = get_args(MemberStatus)
LEAD_CHOICES = {"": None, "yes": True, "no": False}
MAX_SHOWN = 500  # the county has about 2,000 VCS organisations; a search shows a page of them


@router.get("/directory", include_in_schema=False)
async def directory(
    request: Request,
    viewer: CoordinatorDep,
    services: ServicesDep,
    theme: Filter = "",
    locality: Filter = "",
    size: Filter = "",
    lead: Filter = "",
    name: Filter = "",
    status: Annotated[list[str], Query(max_length=len(STATUSES))] = [],  # noqa: B006 - FastAPI
) -> Response:
    framework = await current_framework(services.settings, services.sessions)
    chosen = {"theme": theme, "locality": locality, "size": size, "lead": lead, "name": name}
    statuses = status or list(SEARCHED_BY_DEFAULT)
    context = {
        "framework": framework,
        "chosen": chosen,
        "statuses": statuses,
        "all_statuses": STATUSES,
        "sizes": [band for band, _ in SIZE_BANDS],
        "members": [],
        "error": "",
    }
    try:
        search = DirectorySearch.model_validate(
            {
                # A theme or locality typed in any case, or as a synonym, means the framework's.
                "theme": (framework.theme(theme) or theme) if theme else None,
                "locality": (framework.locality(locality) or locality) if locality else None,
                "size": size or None,
                "willing_to_lead": LEAD_CHOICES.get(lead),
                "statuses": statuses,
                "name": name or None,
            }
        )
    except ValidationError:
        context["error"] = "Choose a size, and statuses, from the lists."
        return render(request, "directory.html", context, 422)
    found = await DirectoryActivities(services.sessions).search_members(search)
    context |= {"members": found[:MAX_SHOWN], "total": len(found)}
    return render(request, "directory.html", context)


@router.get("/directory/map", include_in_schema=False)
async def expertise(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    """Localities x themes, the count of active members in each, gaps in red: for a report."""
    framework = await current_framework(services.settings, services.sessions)
    active = DirectorySearch(statuses=["full", "associate"])
    members = await DirectoryActivities(services.sessions).search_members(active)
    the_map = expertise_map(members, framework.themes, framework.localities)
    when = await services.now()
    return render(
        request, "directory_map.html", {"m": the_map, "framework": framework, "when": when}
    )


@router.get("/directory/members/{organisation_id}", include_in_schema=False)
async def member_page(
    request: Request,
    organisation_id: OrganisationPathId,
    viewer: CoordinatorDep,
    services: ServicesDep,
) -> Response:
    """One member: what it told us, and its history (joined, signposted, suspended,
    overridden, reminded, left), from the audit log."""
    async with services.sessions() as session:
        organisation = await session.get(Organisation, organisation_id)
        if organisation is None:
            return message(
                request, "No such member", f"There is no member '{organisation_id}'.", 404
            )
        contacts = (
            await session.scalars(
                select(Contact)
                .where(Contact.organisation_id == organisation_id)
                .order_by(Contact.is_primary.desc(), Contact.name)
            )
        ).all()
        history = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.organisation_id == organisation_id, AuditEntry.bid_id.is_(None))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(500)
            )
        ).all()
    proforma = organisation.proforma or {}
    context = {
        "o": organisation,
        "p": proforma,
        "assessment": proforma.get("assessment") or {},
        "size": size_band(organisation.annual_turnover),
        "contacts": contacts,
        "history": history,
    }
    return render(request, "member.html", context)


@router.get("/framework/vocabulary", include_in_schema=False)
async def vocabulary(
    request: Request, viewer: CoordinatorDep, services: ServicesDep, done: Notice = None
) -> Response:
    framework = await current_framework(services.settings, services.sessions)
    context = {
        "themes": "\n".join(framework.themes),
        "localities": "\n".join(framework.localities),
        "synonyms": "\n".join(f"{word} = {term}" for word, term in framework.synonyms.items()),
        "done": done,
        "error": "",
    }
    return render(request, "directory_vocabulary.html", context)


@router.post("/framework/vocabulary", include_in_schema=False)
async def vocabulary_save(
    request: Request, viewer: CoordinatorDep, services: ServicesDep
) -> Response:
    """Save the themes, localities and synonyms; the join form, the directory and new
    memberships use them from now on."""
    await verify_csrf(request)
    form = await request.form()
    boxes = {k: form.get(k) for k in ("themes", "localities", "synonyms")}
    texts = {k: v if isinstance(v, str) else "" for k, v in boxes.items()}
    try:
        parsed = parse_vocabulary(texts["themes"], texts["localities"], texts["synonyms"])
    except ValidationError as error:
        problem = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][:1])}: {e['msg']}" for e in error.errors()[:5]
        )
        return render(request, "directory_vocabulary.html", {**texts, "error": problem}, 422)
    except ValueError as error:
        return render(request, "directory_vocabulary.html", {**texts, "error": str(error)}, 422)
    await save_vocabulary(services.sessions, parsed, viewer.email)
    return RedirectResponse("/framework/vocabulary?done=saved", status_code=303)
