"""The FastAPI app: health, the development mailbox, and the people's pages and API.

Routers: `routes/tasks.py` (the one-click task pages from e-mail), `routes/sign_in.py`
(magic links), `routes/console.py` (a lead's bids), `routes/dashboard.py` (the coordinator's
bids and framework) and `routes/api.py` (the same actions as JSON, schema at /openapi.json).
"""

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from settings import Settings
from web.auth import load_viewer
from web.errors import add_error_pages
from web.health import check_all
from web.request_size import BodyLimit
from web.routes import (
    api,
    console,
    dashboard,
    dev_mail,
    directory,
    join,
    opportunities,
    sign_in,
    tasks,
)
from web.routes.calendar import router as calendar_router
from web.routes.codec import router as codec_router
from web.routes.contracts import router as contracts_router
from web.routes.events import router as events_router
from web.routes.feeds import router as feeds_router
from web.security import add_security_headers
from web.services import Services
from web.task_forms import MAX_ATTACHMENT_BYTES

__all__ = ["Services", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"
API_DESCRIPTION = (
    "Consortium bids as JSON. Leads and the coordinator send their session as "
    "`Authorization: Bearer <session>` (or the session cookie plus `X-CSRF-Token`); partners "
    "use the signed task token from their e-mail in the path. A section contribution's "
    f"attachment may be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.require_secret_key()
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await services.mailer.close()
        await services.engine.dispose()

    app = FastAPI(
        title="Consortia",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(load_viewer)],  # every route sees only a live session
    )
    app.state.services = services
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routers = (tasks, sign_in, console, dashboard, opportunities, api, dev_mail, join, directory)
    for module in routers:
        app.include_router(module.router)
    app.include_router(codec_router)  # the Temporal UI's payload codec
    app.include_router(feeds_router)  # published notices, the newsletter
    app.include_router(calendar_router)  # organisations' calendar feeds
    app.include_router(contracts_router)  # after the award
    app.include_router(events_router)  # engagement events
    app.add_middleware(BodyLimit)  # reads no body past an attachment and its form
    add_error_pages(app)  # before the security headers, so that they wrap its pages
    add_security_headers(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> JSONResponse:
        """200 when postgres, temporal and smtp are all reachable; 503 otherwise."""
        checks = await check_all(services.engine, services.temporal, services.mailer)
        healthy = all(check["ok"] for check in checks.values())
        return JSONResponse({"ok": healthy, **checks}, status_code=200 if healthy else 503)

    return app
