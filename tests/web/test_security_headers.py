"""Every answer carries the security headers, and no template needs inline script or style.

The Content-Security-Policy (infra/headers.py) forbids inline script and style, so a
template with an onclick, a style attribute or a javascript: link would break in the
browser: the template scan below fails first. tests/browser/test_content_security_policy.py
opens the pages in chromium and fails on any violation the browser reports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sunshine.entrypoints.web import create_app
from sunshine.infra.headers import CONTENT_SECURITY_POLICY
from sunshine.infra.headers import SVG_CONTENT_SECURITY_POLICY
from sunshine.infra.headers import security_headers
from sunshine.infra.web import TEMPLATE_DIR

# Rendered into PDFs by WeasyPrint only (disclosure/service/notice_pdf.py,
# billing/service/printing.py), never served.
PDF_ONLY = {
    "disclosure/notice_print.html",
    "billing/receipt_print.html",
    "billing/letters_print.html",
    "governance/survey_print.html",
    "governance/announcement_print.html",
}
INLINE = re.compile(
    # A data block (type="application/json", e.g. the verify page's words) is never run.
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>"
    r"|<style\b|\son[a-z]+\s*=|\sstyle\s*=|javascript:|\shx-on",
    re.IGNORECASE,
)


@pytest.fixture
def bare_client() -> TestClient:
    return TestClient(create_app(), base_url="http://testserver")


@pytest.mark.parametrize(
    "path",
    ["/login", "/static/sunshine.css", "/static/sunshine.js", "/api/v1/me", "/no-such-page"],
)
def test_every_answer_has_the_security_headers(bare_client: TestClient, path: str) -> None:
    reply = bare_client.get(path)

    assert reply.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in reply.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in reply.headers  # plain HTTP


def test_the_policy_allows_only_this_sites_files_and_no_inline_code() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_hsts_is_sent_only_over_https() -> None:
    secure = TestClient(create_app(), base_url="https://testserver").get("/login")

    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_an_svg_chart_may_style_itself_but_never_run_script() -> None:
    headers = dict(security_headers(media_type="image/svg+xml; charset=utf-8", https=False))

    assert headers["Content-Security-Policy"] == SVG_CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in SVG_CONTENT_SECURITY_POLICY


def test_no_served_template_holds_inline_script_style_or_handlers() -> None:
    found = [
        f"{path.relative_to(TEMPLATE_DIR)}: {match.group(0).strip()}"
        for path in sorted(TEMPLATE_DIR.rglob("*.html"))
        if str(path.relative_to(TEMPLATE_DIR)) not in PDF_ONLY
        for match in INLINE.finditer(path.read_text("utf-8"))
    ]
    assert found == []


def test_the_pdf_only_templates_are_rendered_by_the_pdf_code_alone() -> None:
    src = TEMPLATE_DIR.parent
    users = {
        path.relative_to(src)
        for path in src.rglob("*.py")
        if any(name in path.read_text("utf-8") for name in PDF_ONLY)
    }
    assert users == {
        Path("disclosure/service/notice_pdf.py"),
        Path("billing/service/printing.py"),
        Path("governance/service/printing.py"),
    }
