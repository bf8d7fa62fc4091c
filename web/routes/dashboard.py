"""The coordinator's dashboard: every bid at a glance, one bid's page, and the framework."""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.actions import BidNotFound, bid_state
from web.auth import CoordinatorDep
from web.queries import bid_detail, filter_options, list_bids
from web.services import ServicesDep
from web.templating import message, render

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", include_in_schema=False)
async def dashboard(
    request: Request,
    viewer: CoordinatorDep,
    services: ServicesDep,
    stage: str = "",
    locality: str = "",
    funder: str = "",
) -> Response:
    now = await services.now()
    bids = await list_bids(services.sessions, stage, locality, funder, now=now)
    options = await filter_options(services.sessions)
    chosen = {"stage": stage, "locality": locality, "funder": funder}
    return render(request, "dashboard.html", {"bids": bids, "options": options, "chosen": chosen})


@router.get("/dashboard/bids/{bid_id}", include_in_schema=False)
async def dashboard_bid(
    request: Request,
    bid_id: str,
    viewer: CoordinatorDep,
    services: ServicesDep,
    done: str | None = None,
) -> Response:
    detail = await bid_detail(services.sessions, bid_id, await services.now())
    if detail is None:
        return message(request, "No such bid", f"There is no bid '{bid_id}'.", 404)
    try:
        state = await bid_state(await services.temporal(), bid_id)
    except BidNotFound:
        state = None  # finished: the read model and the audit log still tell its story
    ui = services.settings.temporal_ui_url
    namespace = services.settings.temporal_namespace
    return render(
        request,
        "dashboard_bid.html",
        {
            "d": detail,
            "state": state,
            "done": done,
            "temporal_url": f"{ui.rstrip('/')}/namespaces/{namespace}/workflows/{bid_id}"
            if ui
            else None,
            "accepted": [p for p in state.partners.values() if p.status in ("lead", "accepted")]
            if state
            else [],
            "invitable": [m for k, m in state.members.items() if k not in state.partners]
            if state
            else [],
            "nonce": secrets.token_urlsafe(16),
        },
    )
