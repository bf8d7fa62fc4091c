"""Published notices on the web, for the coordinator: each source's poller (last run, count
imported, last error), the notices imported and the one click that circulates one; and the
quarterly newsletter's preview, with its editable introduction and "send it now"."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from temporalio.service import RPCError

from activities.newsletter import gather_facts
from activities.notices import NoticeEffects
from deploy.schedules import feed_schedule_id
from models.limits import one_line
from models.newsletter import compose, quarter_of
from models.opportunity import OpportunityNotice
from models.tables import FeedSource, Newsletter, OcdsProcess
from web.auth import CoordinatorDep
from web.csrf import verify_csrf
from web.services import ServicesDep
from web.templating import message, render

router = APIRouter(tags=["feeds"])
MAX_INTRODUCTION = 5_000
RECENT = 100


@router.get("/feeds", include_in_schema=False)
async def feeds(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    async with services.sessions() as session:
        runs = {r.name: r for r in await session.scalars(select(FeedSource))}
        query = select(OcdsProcess).order_by(OcdsProcess.last_release_at.desc()).limit(RECENT)
        notices = list(await session.scalars(query))
    sources = [
        {"config": s, "run": runs.get(s.name), "schedule": feed_schedule_id(s)}
        for s in services.settings.feed_sources
    ]
    sources += [
        {"config": None, "run": r, "schedule": None}
        for n, r in runs.items()
        if n not in {s.name for s in services.settings.feed_sources}
    ]
    now = await services.now()
    return render(request, "feeds.html", {"sources": sources, "notices": notices, "now": now})


@router.post("/feeds/circulate", include_in_schema=False)
async def circulate(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    """Start the bid on an imported notice: its notice goes to the matching members."""
    await verify_csrf(request)
    ocid = str((await request.form()).get("ocid", ""))[:200]
    async with services.sessions() as session:
        process = await session.get(OcdsProcess, ocid)
    if process is None or process.notice is None:
        return message(request, "No such notice", "That notice cannot be circulated.", 404)
    try:
        notice = OpportunityNotice.model_validate(process.notice)
    except ValidationError as error:
        return message(
            request, "Not circulated", f"The notice is not valid: {one_line(error)}", 409
        )
    if notice.interest_cutoff <= await services.now():
        text = f"Expressions of interest closed on {notice.interest_cutoff:%d %B %Y}."
        return message(request, "Too late", text, 409)
    effects = NoticeEffects(services.sessions, services.settings, await services.temporal())
    bid_id = await effects.start(notice)
    async with services.sessions() as session, session.begin():
        row = await session.get(OcdsProcess, ocid, with_for_update=True)
        if row is not None:
            row.status, row.bid_id = "circulated", bid_id
    return RedirectResponse(f"/dashboard/bids/{bid_id}", status_code=303)


@router.get("/feeds/newsletter", include_in_schema=False)
async def newsletter(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    now = await services.now()
    quarter = quarter_of(now)
    async with services.sessions() as session:
        row = await session.get(Newsletter, quarter)
    facts = await gather_facts(services.sessions, services.settings, now)
    subject, body = compose(facts, row.introduction if row else "")
    context = {
        "quarter": quarter,
        "row": row,
        "subject": subject,
        "body": body,
        "limit": MAX_INTRODUCTION,
    }
    return render(request, "newsletter.html", context)


@router.post("/feeds/newsletter/introduction", include_in_schema=False)
async def save_introduction(
    request: Request, viewer: CoordinatorDep, services: ServicesDep
) -> Response:
    await verify_csrf(request)
    text = str((await request.form()).get("introduction", "")).replace("\r\n", "\n")
    if len(text) > MAX_INTRODUCTION or any(ord(c) < 32 and c not in "\n\t" for c in text):
        words = f"The introduction must be plain text of at most {MAX_INTRODUCTION} characters."
        return message(request, "Not saved", words, 422)
    quarter = quarter_of(await services.now())
    async with services.sessions() as session, session.begin():
        row = await session.get(Newsletter, quarter, with_for_update=True)
        if row is None:
            session.add(Newsletter(quarter=quarter, introduction=text, status="draft", sent_to=0))
        elif row.status == "sent":
            return message(request, "Already sent", "This quarter's newsletter went out.", 409)
        else:
            row.introduction = text
    return RedirectResponse("/feeds/newsletter", status_code=303)


@router.post("/feeds/newsletter/send", include_in_schema=False)
async def send_now(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    """Tell the quarter's newsletter workflow to send it now, not at the end of the review."""
    await verify_csrf(request)
    async with services.sessions() as session:
        row = await session.get(Newsletter, quarter_of(await services.now()))
    if row is None or row.workflow_id is None or row.status == "sent":
        words = "No newsletter is waiting to go: the schedule drafts one each quarter."
        return message(request, "Nothing to send", words, 409)
    client = await services.temporal()
    try:
        await client.get_workflow_handle(row.workflow_id).signal("send_now")
    except RPCError as error:
        return message(request, "Not sent", f"The newsletter could not be told: {error}", 409)
    return RedirectResponse("/feeds/newsletter", status_code=303)
