"""Published notices (OCDS) come in: a package read from a URL or a file, each release kept
once (by `ocid` and release id), and what it says made to happen.

A new tender becomes an opportunity: circulated as a bid straight away from a trusted source
when it fits the members, otherwise offered to the coordinator to circulate in one click. A
later release for the same `ocid` moves the live bid's deadline, cancels it, or records the
award, through the same Updates a person sends (as `SYSTEM_ACTOR`), each under an Update id
made from the release, so that a retried import is never applied twice.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from activities.errors import classify_errors, data_error, describe
from activities.notices import NoticeEffects
from models.feeds import MAX_PAGES, FeedSourceConfig, ImportReport, PollInput
from models.ocds import Release, unpack
from models.tables import FeedSource, OcdsRelease
from settings import Settings

MAX_BYTES = 20 * 1024 * 1024  # one package or page
MAX_LISTED = 100  # refusals and effects a poll reports
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class PackageError(ValueError):
    """The package cannot be read as OCDS: a person must look at the source."""


async def fetch(url: str) -> Any:
    """A package from a URL. A refusal (4xx) or a body that is not JSON is the data's fault;
    a timeout, a lost connection or a 5xx is the network's, and raised as it is to retry."""
    async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True) as http:
        async with http.stream("GET", url, headers={"Accept": "application/json"}) as response:
            if 400 <= response.status_code < 500:
                raise PackageError(f"{url} answered {response.status_code}")
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise PackageError(f"{url} sent more than {MAX_BYTES // 2**20} MB")
    return _json(bytes(body), url)


def read_file(path: Path) -> Any:
    if path.stat().st_size > MAX_BYTES:
        raise PackageError(f"{path} is larger than {MAX_BYTES // 2**20} MB")
    return _json(path.read_bytes(), str(path))


def _json(body: bytes, where: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PackageError(f"{where} is not JSON: {error}") from None


class NoticeImporter:
    """Imports packages for one source: the CLI runs it directly, the poller as an activity."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], settings: Settings, client: Client
    ) -> None:
        self._sessions = sessions
        self._effects = NoticeEffects(sessions, settings, client)

    async def import_package(self, package: Any, source: FeedSourceConfig) -> ImportReport:
        try:
            unpacked = unpack(package)
        except ValueError as error:
            raise PackageError(str(error)) from None
        report = ImportReport(source=source.name, refused=unpacked.refused, pages=1)
        for release in unpacked.releases:
            if await self._held(release):
                report.already_held += 1
                continue
            effect = await self._effects.apply(release, source)
            await self._keep(release, source, effect)
            report.imported += 1
            report.effects.append(f"{release.ocid} {release.id}: {effect}")
        return report

    async def _held(self, release: Release) -> bool:
        async with self._sessions() as session:
            key = (release.ocid, release.id)
            return await session.get(OcdsRelease, key) is not None

    async def _keep(self, release: Release, source: FeedSourceConfig, effect: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                insert(OcdsRelease)
                .values(
                    ocid=release.ocid,
                    release_id=release.id,
                    source=source.name,
                    date=release.date,
                    tags=release.tag,
                    effect=effect[:500],
                )
                .on_conflict_do_nothing()
            )


@classify_errors
class FeedActivities:
    """The poller's activity: one poll of one configured source."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._sources = {s.name: s for s in settings.feed_sources}

    @activity.defn
    async def poll_source(self, input: PollInput) -> ImportReport:
        """Read the source from its cursor (the latest release date seen), page by page, and
        import what is new. Its run, count and last error are kept for the sources page."""
        source = self._sources.get(input.source)
        if source is None:
            raise data_error(f"No source called {input.source!r} is configured (FEED_SOURCES).")
        importer = NoticeImporter(self._sessions, self._settings, activity.client())
        started = datetime.now(UTC)
        try:
            report, cursor = await self._poll(importer, source)
        except Exception as error:
            await self._record(source.name, started, error=describe(error)[:2_000])
            if isinstance(error, PackageError):
                raise data_error(f"{source.name}: {error}") from None
            raise
        await self._record(source.name, started, report=report, cursor=cursor)
        # The report goes into the poller's history: a bounded summary (the sources page and
        # each release's row keep the rest).
        report.refused = [r[:500] for r in report.refused[:MAX_LISTED]]
        report.effects = [e[:500] for e in report.effects[:MAX_LISTED]]
        return report

    async def _poll(
        self, importer: NoticeImporter, source: FeedSourceConfig
    ) -> tuple[ImportReport, datetime | None]:
        async with self._sessions() as session:
            row = await session.get(FeedSource, source.name)
        cursor = row.cursor if row else None
        url: str | None = _first_page(source, cursor)
        total = ImportReport(source=source.name)
        while url and total.pages < MAX_PAGES:
            package = await fetch(url)
            report = await importer.import_package(package, source)
            total.imported += report.imported
            total.already_held += report.already_held
            total.refused += report.refused
            total.effects += report.effects
            total.pages += 1
            dates = [r.get("date") for r in _releases(package)]
            cursor = max([cursor, *(_when(d) for d in dates)], key=_sortable)
            url = unpack(package).next_url
            activity.heartbeat(total.pages)
        return total, cursor

    async def _record(
        self,
        name: str,
        started: datetime,
        report: ImportReport | None = None,
        cursor: datetime | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"last_run_at": started, "last_error": error}
        if report is not None:
            values |= {"last_success_at": started, "last_imported": report.imported}
            values |= {"cursor": cursor} if cursor else {}
        first = insert(FeedSource).values(name=name, imported=0, last_imported=0)
        async with self._sessions() as session, session.begin():
            await session.execute(first.on_conflict_do_nothing())
            if report is not None:
                values["imported"] = FeedSource.imported + report.imported
            await session.execute(update(FeedSource).where(FeedSource.name == name).values(values))


def _first_page(source: FeedSourceConfig, cursor: datetime | None) -> str:
    params = source.query
    if cursor is not None and source.since_parameter:
        since = urlencode({source.since_parameter: cursor.strftime("%Y-%m-%dT%H:%M:%SZ")})
        params = f"{params}&{since}" if params else since
    joiner = "&" if "?" in source.url else "?"
    return f"{source.url}{joiner}{params}" if params else source.url


def _releases(package: Any) -> list[dict]:
    if not isinstance(package, dict):
        return []
    found = [r for r in package.get("releases") or [] if isinstance(r, dict)]
    for record in package.get("records") or []:
        if isinstance(record, dict):
            found += [r for r in record.get("releases") or [] if isinstance(r, dict)]
    return found


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _sortable(moment: datetime | None) -> datetime:
    return moment or datetime.min.replace(tzinfo=UTC)
