"""The payment channels' notifications: POST /api/v1/pay/notify/{channel}.

No login and no CSRF token: the channel signs what it sends, and the channel verifies
the signature (`billing.service.online.receive_notice`). The route commits once, wakes
the server's booker (the ledger entry follows in a batch: `online_booking`), then answers
in the channel's own format (WeChat Pay JSON `{"code": "SUCCESS"}`, Alipay the text
`success`, or their "fail"); a refused notice is kept even though it booked nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Request
from fastapi.responses import Response

from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service.channels.registry import channel_named
from sunshine.infra import clock
from sunshine.infra.web import DbSession
from sunshine.kernel.errors import NotFound

router = APIRouter(prefix="/pay", tags=["billing"])


async def _raw_body(request: Request) -> bytes:
    # Read here, so that the route itself is a plain `def` run in the thread pool.
    return await request.body()


@router.post("/notify/{channel}", response_class=Response)
def notify(
    channel: str,
    request: Request,
    session: DbSession,
    body: Annotated[bytes, Depends(_raw_body)],
) -> Response:
    """A payment channel tells us an order was paid."""
    found = channel_named(channel)
    if found is None:
        raise NotFound("there is no payment channel called {name}", args={"name": channel[:32]})
    answer = online.receive_notice(session, found, request.headers, body, now=clock.now())
    session.commit()
    online_booking.wake_booker()
    reply = found.answer(answer)
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type)
