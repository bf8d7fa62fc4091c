"""`/dev/mail` lists what the development SMTP server kept; off when a real relay is set."""

import httpx

from web.app import create_app


async def get(settings, path: str) -> httpx.Response:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(path)
    await app.state.services.engine.dispose()
    return response


async def test_the_development_mailbox_shows_kept_messages_and_is_off_otherwise(settings, tmp_path):
    (tmp_path / "1-000001.eml").write_bytes(
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Hello there\r\n\r\nHi\r\n"
    )
    on = settings.model_copy(update={"dev_mail_dir": tmp_path})
    listing = await get(on, "/dev/mail")
    assert listing.status_code == 200 and "Hello there" in listing.text
    one = await get(on, "/dev/mail/1-000001.eml")
    assert one.status_code == 200 and "Hi" in one.text
    assert (await get(on, "/dev/mail/nothing.eml")).status_code == 404
    assert (await get(settings, "/dev/mail")).status_code == 404
