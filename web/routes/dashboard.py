"""The coordinator's dashboard: every bid at a glance, one bid's page, and the framework."""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from models.bid import BidState
from models.framework import load_framework
from settings import Settings
from web.actions import BidNotFound, bid_state
from web.auth import CoordinatorDep
from web.bid_list import list_bids
from web.bid_page import BidStatus, Search, from_state, from_summary, invite_choices
from web.charts import bar_chart, column_chart
from web.delivery_figures import delivery_figures
from web.framework_figures import framework_page
from web.params import BidId, Notice, Offset, StageFilter, TextFilter
from web.queries import BidDetail, attachments_of, bid_detail, filter_options
from web.services import ServicesDep, Unavailable
from web.templating import message, render

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", include_in_schema=False)
async def dashboard(
    request: Request,
    viewer: CoordinatorDep,
    services: ServicesDep,
    stage: StageFilter = "",
    locality: TextFilter = "",
    funder: TextFilter = "",
    offset: Offset = 0,
) -> Response:
    now = await services.now()
    page = await list_bids(services.sessions, stage, locality, funder, now=now, offset=offset)
    options = await filter_options(services.sessions)
    chosen = {"stage": stage, "locality": locality, "funder": funder}
    delivery = await delivery_figures(services.sessions, now)  # contracts and events
    context = {"page": page, "options": options, "chosen": chosen, "delivery": delivery}
    return render(request, "dashboard.html", context)


@router.get("/dashboard/bids/{bid_id}", include_in_schema=False)
async def dashboard_bid(
    request: Request,
    bid_id: BidId,
    viewer: CoordinatorDep,
    services: ServicesDep,
    done: Notice = None,
    name: TextFilter = "",
    theme: TextFilter = "",
    locality: TextFilter = "",
) -> Response:
    """One bid: drawn from the read model and the audit log, with the live state's actions
    when it can be read; `name`, `theme` and `locality` search the directory to invite."""
    detail = await bid_detail(services.sessions, bid_id, await services.now())
    if detail is None:
        return message(request, "No such bid", f"There is no bid '{bid_id}'.", 404)
    state, unreadable = None, False
    try:
        state = await bid_state(await services.temporal(), bid_id)
    except BidNotFound:
        pass  # finished: the read model and the audit log still tell its story
    except Unavailable:
        unreadable = True  # the read model still tells it; only the actions wait
    search = Search(name, theme, locality)
    invitable, found = await invite_choices(services.sessions, state, search) if state else ([], [])
    context = {
        "d": detail,
        "state": state,
        "status": _status(state, detail),
        "done": done,
        "unreadable": unreadable,
        "temporal_url": _temporal_url(services.settings, bid_id),
        "accepted": state.active_partners() if state else [],
        "invitable": invitable,
        "found": found,
        "search": search,
        "nonce": secrets.token_urlsafe(16),
        "attachments": await attachments_of(services.sessions, bid_id),
    }
    return render(request, "dashboard_bid.html", context)


def _status(state: BidState | None, detail: BidDetail) -> BidStatus | None:
    """What holds the bid up: from its live state, else from the summary in its row."""
    if state is not None:
        return from_state(state, detail.summary)
    if detail.summary is not None:
        return from_summary(detail.summary, detail.names, detail.opportunity.min_partners)
    return None  # a row written before the bid kept its summary


def _temporal_url(settings: Settings, bid_id: str) -> str | None:
    ui, namespace = settings.temporal_ui_url, settings.temporal_namespace
    return f"{ui.rstrip('/')}/namespaces/{namespace}/workflows/{bid_id}" if ui else None


@router.get("/framework", include_in_schema=False)
async def framework(request: Request, viewer: CoordinatorDep, services: ServicesDep) -> Response:
    """Members by status, theme and locality with the gaps, renewals due, and the figures of
    success month by month, as server-drawn SVG charts."""
    config = load_framework(services.settings.framework_file)
    page = await framework_page(services.sessions, config, await services.now())
    charts = {
        "status": bar_chart("Members by status", page.figures.by_status, gaps_in_red=False),
        "theme": bar_chart("Active members by theme (red: a gap)", page.counts.by_theme),
        "locality": bar_chart("Active members by locality (red: a gap)", page.counts.by_locality),
        "members": column_chart("Members signed up, by month joined", page.members_by_month),
        "bids": column_chart("Bids started, by month", page.bids_by_month),
        "submitted": column_chart("Bids submitted, by month", page.submitted_by_month),
        "won": column_chart("Bids won, by month", page.won_by_month),
        "value": column_chart("Value won, by month", page.value_by_month, unit="£"),
    }
    return render(request, "framework.html", {"page": page, "charts": charts, "framework": config})
