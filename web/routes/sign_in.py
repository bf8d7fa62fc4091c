"""Sign-in by e-mailed magic link, for the coordinator and lead organisations. No passwords."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from models.email import SendEmailInput
from web.auth import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    SignInError,
    current_viewer,
    new_sign_in_link,
    redeem_sign_in_link,
    session_value,
    viewer_for_email,
)
from web.csrf import verify_csrf
from web.services import ServicesDep
from web.templating import message, render

router = APIRouter(tags=["sign-in"])


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Response:
    viewer = current_viewer(request)
    if viewer is None:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse("/dashboard" if viewer.is_coordinator else "/console", status_code=303)


@router.get("/sign-in", include_in_schema=False)
async def sign_in_page(request: Request) -> Response:
    return render(request, "sign_in.html", {"sent": False})


@router.post("/sign-in", include_in_schema=False)
async def sign_in_request(
    request: Request, services: ServicesDep, email: Annotated[str, Form()] = ""
) -> Response:
    """E-mail a link to a known address; say the same thing either way, so the page does not
    tell a stranger which addresses belong to members."""
    await verify_csrf(request)
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        return render(
            request, "sign_in.html", {"sent": False, "error": "Enter an e-mail address."}, 422
        )
    viewer = await viewer_for_email(services.sessions, services.settings, email)
    if viewer is not None:
        nonce, url = await new_sign_in_link(services.sessions, services.settings, email)
        await services.send_email(
            SendEmailInput(
                key=f"sign-in:{nonce}", kind="sign_in", to=email, context={"sign_in_url": url}
            )
        )
    return render(request, "sign_in.html", {"sent": True, "email": email})


@router.get("/sign-in/{token}", include_in_schema=False)
async def sign_in_link(request: Request, token: str, services: ServicesDep) -> Response:
    try:
        viewer = await redeem_sign_in_link(services.sessions, services.settings, token)
    except SignInError as error:
        return message(request, "This sign-in link cannot be used", str(error), 400)
    response = RedirectResponse("/dashboard" if viewer.is_coordinator else "/console", 303)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(services.settings, viewer),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/sign-out", include_in_schema=False)
async def sign_out(request: Request) -> Response:
    await verify_csrf(request)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
