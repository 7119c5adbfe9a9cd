"""What owners and the public read is plain: headings say what their column holds, no
account code, no raw timestamp, the trustee's remuneration as one line (issue 12).

Every page is rendered from the demo (荆川东园) in zh_CN as each role that may see it.
A short English word can mean two things, so a heading's Chinese must come from the
right context (msgctxt): "Code" over an account's code is 科目代码, not the login page's
验证码; "Name" over a building is 名称, not a person's 姓名.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from sunshine.infra.web import LOCALE_COOKIE
from sunshine.infra.web import SESSION_COOKIE
from tests.demo_copies import DemoCopies
from tests.web import api_fuzz
from tests.web.test_page_fuzz import APP
from tests.web.test_page_fuzz import ROUTES
from tests.web.test_page_fuzz import _url

ROLES = ("owner", "staff", "manager", "committee", "supervisor", "admin")
# A heading word that belongs to one context, and the only pages it may head.
EXPECTED_PAGES = {
    "验证码": re.compile(r"^/login"),  # a login code
    # a person's name: the registry's people, and the committee's members (named in public)
    "姓名": re.compile(r"/registry/(people|units/\d+)$|^/c/\w+/committee$"),
}
OWNER_PAGES = (
    "/c/jcdy/books?period=2024-10",
    "/c/jcdy/books?period=2024-11",
    "/c/jcdy/ledger/entries/161",
    "/c/jcdy/ledger/reports/trial-balance?period=2024-10",
    "/c/jcdy/ledger/reports/income-and-spending?from=2024-10&to=2024-10",
    "/c/jcdy/ledger/reports/account-ledger?account=1001&start=2024-10-01&end=2024-10-31",
    "/c/jcdy/ledger/reports/balance?on=2024-10-31&account=6002",
    "/c/jcdy/notices/2024-10",
    "/c/jcdy/board",
    "/c/jcdy/budget/1",
    "/c/jcdy/budget/1/actual?period=2024-10",
    "/c/jcdy/budget/1/gap",
)
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\d{2}:\d{2}:\d{2}")


class _Page(HTMLParser):
    """The text of every <th> and <h1>-<h3>, and all visible text (no scripts, no attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("th", "h1", "h2", "h3"):
            self._open.append("")
        if tag in ("script", "style", "title"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "h1", "h2", "h3") and self._open:
            self.headings.append(" ".join(self._open.pop().split()))
        if tag in ("script", "style", "title"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text.append(data)
        self._open = [text + data for text in self._open]


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def target(demo_copies: DemoCopies) -> Iterator[api_fuzz.Target]:
    with api_fuzz.demo_target(demo_copies) as loaded:
        yield loaded


def _get(target: api_fuzz.Target, role: str, url: str) -> tuple[int, str]:
    with TestClient(APP) as client:
        client.cookies.set(LOCALE_COOKIE, "zh_CN")
        token = target.tokens[role]
        if token is not None:
            client.cookies.set(SESSION_COOKIE, token)
        response = client.get(url, follow_redirects=False)
    html = "html" in response.headers.get("content-type", "")
    return response.status_code, response.text if html else ""


def _pages(target: api_fuzz.Target) -> Iterator[tuple[str, str, _Page]]:
    """(role, path, page) of every HTML page each role may open, logged out included."""
    for role in (*ROLES, "anonymous"):
        for method, path, _route in ROUTES:
            if method != "GET" or path == "/logout":
                continue
            url = _url(path, None)
            status, html = _get(target, role, url)
            if status == 200 and html:
                yield role, url, _read(html)


def test_no_heading_borrows_a_word_from_another_context(target: api_fuzz.Target) -> None:
    seen, wrong = 0, []
    for role, url, page in _pages(target):
        seen += 1
        for heading in page.headings:
            for word, pages in EXPECTED_PAGES.items():
                if word in heading and not pages.search(url.split("?")[0]):
                    wrong.append(f"{role} {url}: <{heading}>")
    assert seen > 40  # the walk reached the pages
    assert wrong == []


def test_the_trial_balance_and_buildings_say_what_their_columns_hold(
    target: api_fuzz.Target,
) -> None:
    _status, html = _get(target, "staff", "/c/jcdy/ledger/reports/trial-balance?period=2024-10")
    assert "科目代码" in _read(html).headings  # staff keep the codes, under the right word
    _status, html = _get(target, "staff", "/c/jcdy/ledger/reports/income-and-spending")
    assert "科目代码" in _read(html).headings
    _status, html = _get(target, "manager", "/c/jcdy/registry/buildings")
    headings = _read(html).headings
    assert "名称" in headings
    assert "姓名" not in headings
    _status, html = _get(target, "manager", "/c/jcdy/registry/people")
    assert "姓名" in _read(html).headings


def test_owners_read_account_names_and_days_never_codes_or_timestamps(
    target: api_fuzz.Target,
) -> None:
    codes = re.compile(r"(?<![\d,.])(1001|1122|2202|3001|6002|6601|660801)(?![\d,.])")
    for url in OWNER_PAGES:
        status, html = _get(target, "owner", url)
        assert status == 200, url
        page = _read(html)
        text = " ".join(" ".join(page.text).split())
        assert not codes.search(text), (url, codes.search(text))
        assert not ISO_DAY.search(text), (url, ISO_DAY.search(text))
        assert "科目代码" not in page.headings, url
    _status, html = _get(target, "owner", "/c/jcdy/ledger/entries/161")
    assert "水费" in html  # the account's name is there, its code is not
    assert re.search(r'<span class="fingerprint">[0-9A-F]{4}( [0-9A-F]{4}){3}</span>', html)
    assert not re.search(r">[0-9a-f]{64}<", html)  # a voucher's hash only as its fingerprint


def test_the_trustees_remuneration_is_one_line_with_its_state(target: api_fuzz.Target) -> None:
    _status, html = _get(target, "owner", "/c/jcdy/books?period=2024-11")
    text = " ".join(" ".join(_read(html).text).split())
    assert text.count("已计提并已支付") == 1, text  # the charge, with the payment folded in
    assert "支付受托人酬金" not in text  # the payment's own card is gone
    assert re.search(r"2024年11月30日从信托账户支付", text)
    _status, html = _get(target, "staff", "/c/jcdy/ledger?period=2024-11")
    assert "支付受托人酬金" in html  # the staff's list keeps both entries


def test_the_notice_speaks_one_language(target: api_fuzz.Target) -> None:
    _status, html = _get(target, "owner", "/c/jcdy/notices/2024-10")
    text = " ".join(" ".join(_read(html).text).split())
    assert "车位租金" in text
    assert "Parking rent" not in text
    assert "Total spending" not in text
    with TestClient(APP) as client:
        client.cookies.set(LOCALE_COOKIE, "en")
        client.cookies.set(SESSION_COOKIE, str(target.tokens["owner"]))
        english = " ".join(" ".join(_read(client.get("/c/jcdy/notices/2024-10").text).text).split())
    assert "Parking rent" in english
    assert "车位租金" not in english
    assert "Published on 5 Nov 2024" in english
