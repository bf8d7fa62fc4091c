"""`/dev/mail`: what the development SMTP server kept, for `consortia up` on one machine."""

import asyncio
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from deploy.mailbox import read_folder
from settings import Settings
from web.services import ServicesDep
from web.templating import TEMPLATES

router = APIRouter(include_in_schema=False)


def _dev_mail_folder(settings: Settings) -> Path:
    if settings.dev_mail_dir is None:
        raise HTTPException(404, "The development mailbox is off: SMTP_HOST names a real relay")
    return settings.dev_mail_dir


@router.get("/dev/mail", response_class=HTMLResponse)
async def dev_mail(request: Request, services: ServicesDep) -> HTMLResponse:
    """Every message the development mail server kept, newest first."""
    folder = _dev_mail_folder(services.settings)
    messages = await asyncio.to_thread(read_folder, folder)
    return TEMPLATES.TemplateResponse(request, "dev_mail.html", {"messages": messages})


@router.get("/dev/mail/{name}", response_class=HTMLResponse)
async def dev_mail_message(request: Request, name: str, services: ServicesDep) -> HTMLResponse:
    folder = _dev_mail_folder(services.settings)
    found = [m for n, m in await asyncio.to_thread(read_folder, folder) if n == name]
    if not found:
        raise HTTPException(404, "No such message")
    message = found[0]
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    return TEMPLATES.TemplateResponse(
        request,
        "dev_mail_message.html",
        {
            "message": message,
            "html": html.get_content() if html else None,
            "text": text.get_content() if text else "",
        },
    )
