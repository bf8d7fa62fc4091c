"""Health checks: is each outside service reachable right now?"""

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from activities.mailer import Mailer

TIMEOUT_SECONDS = 5.0


async def _check(probe: Callable[[], Awaitable[object]]) -> dict:
    try:
        await asyncio.wait_for(probe(), TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        # The type only: a driver's message may quote a connection string.
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


async def check_all(
    engine: AsyncEngine, temporal: Callable[[], Awaitable[Client]], mailer: Mailer
) -> dict[str, dict]:
    async def postgres() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def temporal_ok() -> None:
        client = await temporal()
        await client.workflow_service.get_system_info(GetSystemInfoRequest())

    results = await asyncio.gather(_check(postgres), _check(temporal_ok), _check(mailer.check))
    return dict(zip(["postgres", "temporal", "smtp"], results, strict=True))
