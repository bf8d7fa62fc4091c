"""A body past the limit is refused as it arrives: by its Content-Length before any of it is
read, or, streamed without one, as soon as it passes the limit. Nothing is recorded."""

import time

from sqlalchemy import func, select

from models.tables import Attachment
from tests.web.support import CSRF, audit_count, to_drafting, token_of_kind

MB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = "hostile-boundary"


class Hose:
    """A 200 MB body, made as it is read, that counts how much of it the server took."""

    def __init__(self, head: bytes, tail: bytes, total: int = 200 * MB) -> None:
        self.head, self.tail, self.total, self.taken = head, tail, total, 0

    async def __aiter__(self):
        self.taken += len(self.head)
        yield self.head
        for _ in range(self.total // CHUNK):
            self.taken += CHUNK
            yield b"x" * CHUNK
        self.taken += len(self.tail)
        yield self.tail


def form(fields: dict[str, str]) -> Hose:
    """A multipart form: its text fields, then a 200 MB file."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; '
        'filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    return Hose("".join(parts).encode(), f"\r\n--{BOUNDARY}--\r\n".encode())


async def test_a_200_mb_streamed_upload_is_refused_as_soon_as_it_passes_the_limit(
    web, time_skipping_env, sessions, mailbox
):
    bid = await web.start_bid()
    await to_drafting(bid, await time_skipping_env.get_current_time())
    secret = web.settings.secret_key.get_secret_value()
    token = await token_of_kind(mailbox, bid.email("beta"), "section", secret)
    partner = web.as_partner()
    multipart = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}

    hose = form({"csrf_token": CSRF, "nonce": "n1", "body": "Our summary."})
    began = time.monotonic()
    page = await partner.post(f"/task/{token}", content=hose, headers=multipart)
    assert page.status_code == 413 and "at most 2 MB" in page.text
    assert hose.taken < 3 * MB  # stopped at the limit, not at the end of 200 MB
    assert time.monotonic() - began < 10

    declared = form({"csrf_token": CSRF, "body": "Our summary."})
    sized = len(declared.head) + declared.total + len(declared.tail)
    lying = {**multipart, "content-length": str(sized)}
    page = await partner.post(f"/task/{token}", content=declared, headers=lying)
    assert page.status_code == 413 and "at most 2 MB" in page.text
    assert declared.taken <= len(declared.head)  # refused before reading the body

    json_hose = Hose(b'{"body": "', b'"}')
    api = await partner.post(
        f"/api/tasks/{token}", content=json_hose, headers={"content-type": "application/json"}
    )
    assert api.status_code == 413 and "at most 2 MB" in api.json()["detail"]
    assert json_hose.taken < 3 * MB

    assert (await bid.state()).sections["summary"].version == 0
    assert await audit_count(sessions, bid.handle.id, "contribution_submitted") == 0
    async with sessions() as session:
        kept = select(func.count()).where(Attachment.bid_id == bid.handle.id)
        assert await session.scalar(kept) == 0


async def test_a_large_body_to_any_other_route_is_refused_too(web):
    hose = Hose(b'{"reason": "', b'"}')
    coordinator = web.as_coordinator()
    response = await coordinator.post(
        "/api/bids/bid-x/actions/cancel",
        content=hose,
        headers={"content-type": "application/json", "X-CSRF-Token": CSRF},
    )
    assert response.status_code == 413
    assert hose.taken < 3 * MB
