"""Applying to join the framework on the web: the membership proforma as one page of clear
sections, saved as the applicant goes, resumed and resubmitted from a signed link e-mailed to
them; a member's renewal from the same form, filled in with what the directory holds.

No account: the link is the key. Asking for a link is limited as sign-in links are
(`SignInRequests`), since both make the system e-mail an address someone typed.
"""

import logging
import math
import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from members.client import MemberClient, refusal
from models.entry_criteria import unknown_criteria
from models.framework import Framework
from models.limits import Email, checked
from models.membership import Assessment, Proforma
from models.tables import Application
from web import applications
from web.csrf import verify_csrf
from web.join_form import CRITERION_SECTION, LEGAL_FORMS, TRACK_ROWS, check, explain
from web.join_form import draft_from_form as read_form
from web.join_links import JoinLink, JoinLinkError, verify_join_link
from web.params import ID, TaskToken
from web.routes.sign_in import SignInRequests
from web.services import Services, ServicesDep, Unavailable
from web.templating import message, render
from web.vocabulary import current_framework

router = APIRouter(tags=["join"])
OrganisationPathId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID)]
log = logging.getLogger(__name__)


@router.get("/join", include_in_schema=False)
async def join_start(request: Request, services: ServicesDep) -> Response:
    framework = await current_framework(services.settings, services.sessions)
    return render(request, "join_start.html", {"framework": framework})


@router.post("/join", include_in_schema=False)
async def join_begin(
    request: Request, services: ServicesDep, email: Annotated[str, Form(max_length=400)] = ""
) -> Response:
    """A new application for this address: its link is e-mailed, and the form opens."""
    await verify_csrf(request)
    framework = await current_framework(services.settings, services.sessions)
    try:
        address = checked("email", Email, email).lower()
    except ValidationError:
        context = {
            "framework": framework,
            "error": "Enter your e-mail address, like ann@example.org.",
        }
        return render(request, "join_start.html", context, 422)
    if refused := _too_many(request, address):
        return refused
    application = await applications.create(services.sessions, address, {"contact_email": address})
    url = await _send(services, application, f"join:{application.id}:link")
    token = url.rsplit("/", 1)[1]
    return RedirectResponse(f"/join/{token}?started=1", status_code=303)


@router.get("/join/renew/{organisation_id}", include_in_schema=False)
async def renew_page(request: Request, organisation_id: OrganisationPathId) -> Response:
    return render(request, "join_renew.html", {"organisation_id": organisation_id, "sent": False})


@router.post("/join/renew/{organisation_id}", include_in_schema=False)
async def renew_request(
    request: Request, organisation_id: OrganisationPathId, services: ServicesDep
) -> Response:
    """E-mail the member's main contact a link to its proforma, filled in. The page says the
    same whoever asks: the link goes only to the address the directory holds."""
    await verify_csrf(request)
    if refused := _too_many(request, f"renew:{organisation_id}"):
        return refused
    application = await applications.renewal_for(services.sessions, organisation_id)
    if application is not None:
        await _send(services, application, f"join:{application.id}:renewal")
    return render(request, "join_renew.html", {"organisation_id": organisation_id, "sent": True})


@router.get("/join/{token}", include_in_schema=False)
async def join_form(
    request: Request,
    token: TaskToken,
    services: ServicesDep,
    started: bool = False,
    saved: bool = False,
    sent: bool = False,
) -> Response:
    found = await _application(request, services, token)
    if isinstance(found, Response):
        return found
    notes = {"started": started, "saved": saved, "sent": sent}
    return await _form(request, services, found, token, notes=notes)


@router.post("/join/{token}", include_in_schema=False)
async def join_answer(request: Request, token: TaskToken, services: ServicesDep) -> Response:
    """Save the answers; with "send", check them and send the proforma to be assessed."""
    await verify_csrf(request)
    found = await _application(request, services, token)
    if isinstance(found, Response):
        return found
    form = await request.form()
    draft = read_form(form)
    await applications.save_draft(services.sessions, found.id, draft)
    found.draft = draft
    if form.get("action") != "send":
        return RedirectResponse(f"/join/{token}?saved=1", status_code=303)
    framework = await current_framework(services.settings, services.sessions)
    checked_draft = check(draft, framework, (await services.now()).date())
    if checked_draft.proforma is None:
        return await _form(request, services, found, token, checked_draft.problems, status=422)
    try:
        org, assessment = await _send_proforma(services, framework, found, checked_draft.proforma)
    except WorkflowUpdateFailedError as error:
        return await _form(request, services, found, token, [refusal(error)], status=409)
    except (Unavailable, RPCError):
        text = "Your answers are saved, but they could not be sent just now: try again shortly."
        return message(request, "Not sent yet", text, 503, (f"/join/{token}", "Back to the form"))
    await applications.record_sent(
        services.sessions, found.id, org, assessment, await services.now()
    )
    return RedirectResponse(f"/join/{token}?sent=1#result", status_code=303)


@router.post("/join/{token}/new-link", include_in_schema=False)
async def new_link(request: Request, token: TaskToken, services: ServicesDep) -> Response:
    """A fresh link for an application whose link only ran out, sent to its own address."""
    await verify_csrf(request)
    secret = services.settings.secret_key.get_secret_value()
    try:
        verify_join_link(token, secret, await services.now())
        link: JoinLink | None = None  # still good: nothing to renew
    except JoinLinkError as error:
        link = error.expired
        if link is None:
            return message(request, "This link cannot be used", str(error), 400)
    if link is not None:
        try:
            application = await applications.load(services.sessions, link.application_id)
        except LookupError as error:
            return message(request, "This link cannot be used", str(error), 404)
        if refused := _too_many(request, application.email):
            return refused
        await _send(services, application, f"join:{application.id}:relink:{secrets.token_hex(8)}")
    text = "A new link to your application is on its way to the address you gave."
    return message(request, "Check your e-mail", text, 200, unchanged=False)


# --- what the routes share --------------------------------------------------------------


async def _application(request: Request, services: Services, token: str) -> Application | Response:
    """The application a link opens, or the page that says why it does not."""
    secret = services.settings.secret_key.get_secret_value()
    try:
        link = verify_join_link(token, secret, await services.now())
        return await applications.load(services.sessions, link.application_id)
    except JoinLinkError as error:
        context = {"text": str(error), "token": token if error.expired else None}
        return render(request, "join_link_error.html", context, 410 if error.expired else 400)
    except LookupError as error:
        return message(request, "This link cannot be used", str(error), 404)


async def _form(
    request: Request,
    services: Services,
    application: Application,
    token: str,
    problems: list[str] | None = None,
    notes: dict[str, bool] | None = None,
    status: int = 200,
) -> Response:
    framework = await current_framework(services.settings, services.sessions)
    today = (await services.now()).date()
    last = Assessment.model_validate(application.assessment) if application.assessment else None
    context = {
        "a": application,
        "d": application.draft,
        "token": token,
        "framework": framework,
        "legal_forms": LEGAL_FORMS,
        "track_rows": range(1, TRACK_ROWS + 1),
        "explained": explain(application.draft, framework, today),
        "sections": CRITERION_SECTION,
        "criteria": {c.key: c for c in framework.criteria},
        "last": last,
        "problems": problems or [],
        "notes": notes or {},
        "signposts": framework.signposts,
    }
    return render(request, "join.html", context, status)


async def _send_proforma(
    services: Services, framework: Framework, application: Application, proforma: Proforma
) -> tuple[str, Assessment]:
    """Join or resubmit (an applicant, a signposted one) or renew (a member): as the
    organisation's membership stands now."""
    if unknown_criteria(framework):
        raise Unavailable("framework")
    members = MemberClient(await services.temporal(), services.settings, framework=framework)
    org = application.organisation_id or _new_id(proforma.name)
    status = None
    if application.organisation_id:
        try:
            status = (await members.state(org)).status
        except RPCError:
            status = None  # never started, or ended: a proforma starts it afresh
    if status in ("full", "associate", "suspended"):
        return org, await members.update(org, proforma)
    return org, await members.submit(org, proforma)


def _new_id(name: str) -> str:
    """An organisation id from its name, made unique: two applicants may share a name, and
    neither may answer for the other's membership."""
    slug = "-".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())[:48] or "organisation"
    return f"{slug}-{secrets.token_hex(4)}"


async def _send(services: Services, application: Application, key: str) -> str:
    """E-mail the link; an e-mail that cannot go now is logged, and the page still opens
    (the outbox keeps it, and the applicant can bookmark the form)."""
    try:
        return await applications.send_link(services, application, key)
    except Exception as error:  # noqa: BLE001 - the applicant is waiting for the form
        log.warning("join link not sent: %s", type(error).__name__)
        return applications.link_for(services, application, await services.now())


def _too_many(request: Request, key: str) -> Response | None:
    client = request.client.host if request.client else "unknown"
    wait = SignInRequests.of(request).refusal(key, client)
    if not wait:
        return None
    minutes = math.ceil(wait / 60)
    text = f"Too many links were asked for: please try again in {minutes} minutes."
    refused = message(request, "Please wait before asking again", text, 429)
    refused.headers["Retry-After"] = str(int(wait) + 1)
    return refused
