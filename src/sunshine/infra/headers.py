"""Security headers on every response: one ASGI middleware, so no route can forget them.

The pages load nothing from another host and run no inline code: scripts and styles are
files under /static (htmx's own indicator style is turned off in base.html and lives in
sunshine.css), so the Content-Security-Policy allows only this origin's files and forbids
inline script, inline style, `javascript:` links, eval, plugins, framing and foreign form
targets. Images may be `data:` URLs (a QR code). SVG charts are documents of their own
when opened directly: pygal writes their style inline, so an SVG answer alone may use
inline style, still with no script.

HSTS is sent only on HTTPS (behind a TLS proxy, uvicorn's --proxy-headers makes the scheme
https); over plain HTTP it would mean nothing, and a browser must never learn it for an
intranet address served without TLS.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

_COMMON = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_SVG = {**_COMMON, "script-src": "'none'", "style-src": "'self' 'unsafe-inline'"}


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = _policy(_COMMON)
SVG_CONTENT_SECURITY_POLICY = _policy(_SVG)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb",
    )
)  # fmt: skip
HSTS = "max-age=31536000"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def security_headers(*, media_type: str, https: bool) -> Iterable[tuple[str, str]]:
    """The headers for one response of `media_type`, served over HTTPS or not."""
    svg = media_type.split(";", maxsplit=1)[0].strip() == "image/svg+xml"
    yield "Content-Security-Policy", SVG_CONTENT_SECURITY_POLICY if svg else CONTENT_SECURITY_POLICY
    yield from HEADERS.items()
    if https:
        yield "Strict-Transport-Security", HSTS


class SecurityHeaders:
    """ASGI middleware: adds `security_headers` to every HTTP response, unless set already."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers as the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)  # edits message in place
                media_type = headers.get("content-type", "")
                for name, value in security_headers(media_type=media_type, https=https):
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
