"""`GET /healthz`: 200 only when postgres, temporal and smtp are all reachable."""

import httpx
from pydantic import SecretStr

from tests.helpers import free_port
from web.app import create_app


async def get_health(settings) -> httpx.Response:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/healthz")


async def test_health_is_green_when_every_service_answers(settings, dev_env):
    target = dev_env.client.service_client.config.target_host
    response = await get_health(settings.model_copy(update={"temporal_address": target}))
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "postgres": {"ok": True},
        "temporal": {"ok": True},
        "smtp": {"ok": True},
    }


async def test_health_names_what_is_down_and_never_shows_a_secret(settings, dev_env):
    target = dev_env.client.service_client.config.target_host
    broken = settings.model_copy(
        update={
            "temporal_address": target,
            "database_url": SecretStr(f"postgresql://app:s3cret-pw@127.0.0.1:{free_port()}/x"),
            "smtp_port": free_port(),
            "smtp_password": SecretStr("smtp-s3cret"),
            "smtp_user": "relay-user",
        }
    )
    response = await get_health(broken)
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["postgres"]["ok"] is False and body["smtp"]["ok"] is False
    assert body["temporal"] == {"ok": True}
    assert "s3cret" not in response.text
