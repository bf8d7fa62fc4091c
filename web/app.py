"""The FastAPI app: health, the development mailbox, and (in later issues) the people's pages."""

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from temporalio.client import Client

import database
from activities.email import Mailer
from deploy.mailbox import read_folder
from settings import Settings
from starter import connect
from web.health import check_all

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


class Services:
    """What the routes share: the engine, a Temporal client made on first use, the mailer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = database.make_engine(settings)
        self.sessions = database.make_sessions(self.engine)
        self.mailer = Mailer(settings)
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def temporal(self) -> Client:
        async with self._lock:
            if self._client is None:
                self._client = await connect(self.settings)
            return self._client


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await services.engine.dispose()

    app = FastAPI(title="Consortia", lifespan=lifespan)
    app.state.services = services

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when postgres, temporal and smtp are all reachable; 503 otherwise."""
        checks = await check_all(services.engine, services.temporal, services.mailer)
        healthy = all(check["ok"] for check in checks.values())
        return JSONResponse({"ok": healthy, **checks}, status_code=200 if healthy else 503)

    @app.get("/dev/mail", response_class=HTMLResponse)
    async def dev_mail(request: Request) -> HTMLResponse:
        """Every message the development mail server kept, newest first."""
        folder = _dev_mail_folder(settings)
        messages = await asyncio.to_thread(read_folder, folder)
        return TEMPLATES.TemplateResponse(request, "dev_mail.html", {"messages": messages})

    @app.get("/dev/mail/{name}", response_class=HTMLResponse)
    async def dev_mail_message(request: Request, name: str) -> HTMLResponse:
        folder = _dev_mail_folder(settings)
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

    return app


def _dev_mail_folder(settings: Settings) -> Path:
    if settings.dev_mail_dir is None:
        raise HTTPException(404, "The development mailbox is off: SMTP_HOST names a real relay")
    return settings.dev_mail_dir
