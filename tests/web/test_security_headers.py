"""Every response carries the security headers, error pages and crashes too; behind a TLS
proxy (PUBLIC_URL https, the app itself reached over http) cookies are `Secure` and the
browser is told to keep to https."""

from pydantic import SecretStr

from tests.web.sign_in_support import app_client, own_coordinator, sign_in_link
from tests.web.support import CSRF

EVERY_RESPONSE = {
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
HSTS = "strict-transport-security"


def behind_tls_proxy(settings):
    return own_coordinator(settings).model_copy(
        update={"public_url": "https://bids.example.org", "secret_key": SecretStr("s" * 40)}
    )


def cookie_flags(response, name: str) -> set[str]:
    """The attributes of the Set-Cookie header for `name`, lower-cased."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    raise AssertionError(f"no {name} cookie set")


async def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(settings, mailbox):
    production = behind_tls_proxy(settings)
    async with app_client(production) as (app, client):
        client.cookies.clear()
        page = await client.get("/sign-in")  # the proxy speaks http to the app
        assert "secure" in cookie_flags(page, "csrf")
        assert page.headers[HSTS] == "max-age=31536000"
        # httpx keeps a Secure cookie to itself over http; a browser (on https) sends it
        token = page.cookies["csrf"]
        client.cookies.set("csrf", token)
        await client.post(
            "/sign-in", data={"csrf_token": token, "email": production.coordinator_email}
        )
        signed_in = await client.get(await sign_in_link(mailbox, production.coordinator_email))
        assert signed_in.status_code == 303
        assert {"secure", "httponly", "samesite"} <= cookie_flags(signed_in, "session")
        assert signed_in.headers[HSTS] == "max-age=31536000"
        out = await client.post("/sign-out", data={"csrf_token": token})
        assert "secure" in cookie_flags(out, "session")
        assert (await client.get("/healthz")).headers[HSTS] == "max-age=31536000"


async def test_over_plain_http_cookies_are_not_secure_and_there_is_no_hsts(settings):
    async with app_client(settings) as (app, client):
        client.cookies.clear()
        page = await client.get("/sign-in")
        assert "secure" not in cookie_flags(page, "csrf")
        assert HSTS not in page.headers


async def test_every_response_has_the_security_headers_even_an_error_or_a_crash(settings):
    async with app_client(behind_tls_proxy(settings)) as (app, client):

        @app.get("/crash")
        async def crash() -> None:
            raise RuntimeError("a bug in a page")

        responses = {
            "page": await client.get("/sign-in"),
            "not found": await client.get("/no-such-page"),
            "not signed in": await client.get("/dashboard"),
            "bad input": await client.post("/sign-in", data={"csrf_token": CSRF, "email": "x"}),
            "bad form": await client.post("/sign-in", data={"email": "x@example.org"}),
            "wrong method": await client.delete("/sign-in"),
            "api error": await client.get("/api/bids"),
            "crash": await client.get("/crash"),
            "static": await client.get("/static/no-such-file.css"),
        }
        assert responses["crash"].status_code == 500
        assert "a bug in a page" not in responses["crash"].text
        for name, response in responses.items():
            for header, value in EVERY_RESPONSE.items():
                assert response.headers.get(header) == value, (name, header)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"], name
        for name, response in responses.items():
            assert response.headers.get(HSTS) == "max-age=31536000", name
