"""The FastAPI app: health, the development mailbox, and the people's pages and API.

Routers: `routes/tasks.py` (the one-click task pages from e-mail), `routes/sign_in.py`
(magic links), `routes/console.py` (a lead's bids), `routes/dashboard.py` (the coordinator's
bids and framework) and `routes/api.py` (the same actions as JSON, schema at /openapi.json).
"""

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from settings import Settings
from web.health import check_all
from web.routes import api, console, dashboard, dev_mail, sign_in, tasks
from web.security import add_security_headers
from web.services import Services, Unavailable
from web.task_forms import MAX_ATTACHMENT_BYTES
from web.templating import message

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
    services = Services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await services.mailer.close()
        await services.engine.dispose()

    app = FastAPI(title="Consortia", description=API_DESCRIPTION, lifespan=lifespan)
    app.state.services = services
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (tasks, sign_in, console, dashboard, api, dev_mail):
        app.include_router(module.router)
    _add_error_pages(app)
    add_security_headers(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> JSONResponse:
        """200 when postgres, temporal and smtp are all reachable; 503 otherwise."""
        checks = await check_all(services.engine, services.temporal, services.mailer)
        healthy = all(check["ok"] for check in checks.values())
        return JSONResponse({"ok": healthy, **checks}, status_code=200 if healthy else 503)

    return app


def _add_error_pages(app: FastAPI) -> None:
    """Errors as JSON under /api, as a plain page elsewhere: always a clear 4xx, never a 500."""

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api") or request.url.path.startswith("/healthz")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": error.detail}, error.status_code, error.headers)
        titles = {401: "Please sign in", 403: "Not allowed", 404: "Not found"}
        title = titles.get(error.status_code, "Sorry")
        action = ("/sign-in", "Sign in") if error.status_code == 401 else None
        return message(request, title, str(error.detail), error.status_code, action)

    @app.exception_handler(RPCError)
    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, error: Exception) -> Response:
        """Temporal or another service is unreachable: say so, and that nothing was lost."""
        text = "The system cannot reach one of its services just now: try again in a minute."
        if wants_json(request):
            return JSONResponse({"detail": text}, 503)
        return message(request, "Please try again shortly", text, 503)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, error: RequestValidationError) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": jsonable_errors(error)}, 422)
        text = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in error.errors())
        return message(request, "Please check your answer", text, 422)


def jsonable_errors(error: RequestValidationError) -> list[dict]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
