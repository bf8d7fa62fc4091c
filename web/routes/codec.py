"""`/codec/encode` and `/codec/decode`: Temporal's remote codec protocol, so that the Temporal
UI and the `temporal` CLI show sealed payloads (codec.py) as text to the people allowed to
read them, and to no one else.

Open to the coordinator's session (the UI sends the web app's cookie when its codec setting
includes credentials) and to `Authorization: Bearer CODEC_TOKEN` (the CLI's `--codec-auth`).
Cross-origin calls are allowed from TEMPORAL_UI_URL's origin only. Decoding changes nothing,
so no CSRF token is asked: another site could make a browser send the cookie, but CORS keeps
the answer from it.
"""

import hmac
from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from codec import EncryptionCodec, UnknownKey, codec_for
from settings import Settings
from web.auth import current_viewer

router = APIRouter(prefix="/codec", include_in_schema=False)

MAX_PAYLOADS = 1000
ALLOWED_HEADERS = "Authorization, Content-Type, X-Namespace"


def ui_origin(settings: Settings) -> str | None:
    """The Temporal UI's origin (scheme://host[:port]), the one origin allowed to call."""
    if not settings.temporal_ui_url:
        return None
    parts = urlsplit(settings.temporal_ui_url)
    return f"{parts.scheme}://{parts.netloc}"


def _cors(request: Request, response: Response) -> Response:
    origin = request.headers.get("origin")
    if origin is not None and origin == ui_origin(request.app.state.services.settings):
        response.headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Allow-Methods": "POST, OPTIONS",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Vary": "Origin",
            }
        )
    return response


def _authorise(request: Request, settings: Settings) -> None:
    """The codec token, or the coordinator's live session; 401 without either, 403 for a lead."""
    sent = request.headers.get("authorization", "")
    token = settings.codec_token.get_secret_value() if settings.codec_token else None
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return
    viewer = current_viewer(request)
    if viewer is None:
        raise HTTPException(401, "Sign in as the coordinator, or send the codec token.")
    if not viewer.is_coordinator:
        raise HTTPException(403, "Only the coordinator may read the workflows' payloads.")


def _codec(settings: Settings) -> EncryptionCodec:
    keys = settings.codec_keys.get_secret_value() if settings.codec_keys else None
    codec = codec_for(keys, settings.codec_key_id)
    if codec is None:
        raise HTTPException(404, "Payloads are not encrypted here: CODEC_KEYS is not set.")
    return codec


@router.options("/{operation}")
async def preflight(request: Request, operation: Literal["encode", "decode"]) -> Response:
    return _cors(request, Response(status_code=204))


@router.post("/{operation}")
async def convert(request: Request, operation: Literal["encode", "decode"]) -> Response:
    """`{"payloads": [...]}` in Temporal's JSON form, each payload sealed or opened."""
    settings: Settings = request.app.state.services.settings
    try:
        _authorise(request, settings)
        codec = _codec(settings)
        try:
            payloads = json_format.Parse(await request.body(), Payloads())
        except (json_format.ParseError, UnicodeDecodeError) as error:
            raise HTTPException(400, "The body is not Temporal's JSON payloads.") from error
        if len(payloads.payloads) > MAX_PAYLOADS:
            raise HTTPException(400, f"At most {MAX_PAYLOADS} payloads at once.")
        try:
            if operation == "encode":
                done = await codec.encode(payloads.payloads)
            else:
                done = await codec.decode(payloads.payloads)
        except UnknownKey as error:
            raise HTTPException(400, str(error)) from error
    except HTTPException as refused:  # the refusal, with CORS, so the UI can show it
        return _cors(request, JSONResponse({"detail": refused.detail}, refused.status_code))
    answer = json_format.MessageToJson(Payloads(payloads=done))
    return _cors(request, Response(answer, media_type="application/json"))
