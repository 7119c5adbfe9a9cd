"""Bad input gets a clear 4xx, never a 500, on every route: the known cases, on both databases.

Each of these was a 500 once (issue 11): a lone surrogate in a JSON string, an integer of
2**63 or more, the JSON number 1e999999, a date such as 0001-01-01, and an entry dated
9999-12-31, which was even accepted. Also NUL characters (PostgreSQL refuses them), a
body of the wrong media type, and bodies too large to hold in memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.infra.settings import get_settings
from tests.factories import log_in
from tests.ledger.books_support import FORM
from tests.ledger.books_support import PNG
from tests.ledger.books_support import Setting
from tests.ledger.books_support import community_with_books

JSON = {"content-type": "application/json"}
ENTRY = (
    '{"booked_on": "%s", "narration": "%s", "postings": ['
    '{"account": "6601", "amount": "%s"}, {"account": "1001", "amount": "-%s"}]}'
)


@pytest.fixture
def setting(client: TestClient, session: Session) -> Setting:
    found = community_with_books(session)
    log_in(client, session, found.staff)
    return found


def _entry(day: str = "2024-10-15", narration: str = "保洁费", amount: str = "10.00") -> bytes:
    return (ENTRY % (day, narration, amount, amount)).encode()


def _refused(response: object, status: int = 422) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert set(error) == {"type", "message", "problems"}
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_entry(narration="\\ud800"), "unstorable_text"),  # a lone surrogate
        (_entry(narration="a\\u0000b"), "unstorable_text"),  # NUL
        (_entry(narration='", "\\udfff": "x'), "unstorable_text"),  # in a key
        (_entry().replace(b'"10.00"', b"9223372036854775808", 1), "number_out_of_range"),
        (_entry().replace(b'"10.00"', b"-9223372036854775809", 1), "number_out_of_range"),
        (_entry().replace(b'"10.00"', b"1e999999", 1), "number_out_of_range"),
        (_entry().replace(b'"10.00"', b"NaN", 1), "number_out_of_range"),
    ],
)
def test_a_json_body_with_an_unstorable_value_is_refused_with_the_error_shape(
    client: TestClient, setting: Setting, body: bytes, code: str
) -> None:
    response = client.post(
        f"/api/v1/communities/{setting.code}/ledger/entries", content=body, headers=JSON
    )

    error = _refused(response)
    assert [p["code"] for p in error["problems"]] == [code]  # type: ignore[index,union-attr]


def test_the_refusal_is_in_the_callers_language(client: TestClient, setting: Setting) -> None:
    url = f"/api/v1/communities/{setting.code}/ledger/entries"
    body = _entry(narration="\\ud800")
    chinese = client.post(url, content=body, headers={**JSON, "accept-language": "zh-CN"})
    english = client.post(url, content=body, headers={**JSON, "accept-language": "en"})

    assert _refused(chinese)["message"] == "请求中含有无法接受的值"
    assert _refused(english)["message"] == "the request holds values that cannot be accepted"


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999999", "0"])
def test_an_id_beyond_bigint_or_below_one_is_refused(
    client: TestClient, setting: Setting, number: str
) -> None:
    base = f"/api/v1/communities/{setting.code}"
    for url in (f"{base}/ledger/entries/{number}", f"{base}/units/{number}"):
        response = client.get(url)
        assert response.status_code == 422, (url, response.text)
        assert "detail" in response.json()  # FastAPI's own validation shape, input not echoed


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "1949-12-31", "2200-01-01"])
def test_a_report_date_outside_the_calendar_is_refused(
    client: TestClient, setting: Setting, on: str
) -> None:
    response = client.get(f"/api/v1/communities/{setting.code}/ledger/reports/balance?on={on}")

    assert response.status_code == 422, response.text


@pytest.mark.parametrize("period", ["0001-01", "9999-12", "2200-01"])
def test_a_month_outside_the_calendar_is_refused(
    client: TestClient, setting: Setting, period: str
) -> None:
    base = f"/api/v1/communities/{setting.code}/ledger"
    response = client.get(f"{base}/reports/trial-balance?period={period}")

    assert response.status_code == 422, response.text


@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31", "2200-01-01"])
def test_an_entry_dated_outside_the_booking_window_is_refused(
    client: TestClient, setting: Setting, day: str
) -> None:
    url = f"/api/v1/communities/{setting.code}/ledger/entries"
    response = client.post(url, content=_entry(day=day), headers=JSON)

    assert response.status_code == 422, response.text
    assert client.get(f"{url}").json()["entries"] == []


def test_nul_in_a_path_or_query_value_is_refused(client: TestClient, setting: Setting) -> None:
    base = f"/api/v1/communities/{setting.code}"
    for url in (
        f"/api/v1/communities/{setting.code}%00",
        f"{base}/ledger/reports/balance?account=1%00",
    ):
        error = _refused(client.get(url))
        assert [p["code"] for p in error["problems"]] == ["unstorable_text"]  # type: ignore[index,union-attr]


def test_nul_in_a_form_field_gets_the_friendly_error_page(
    client: TestClient, setting: Setting
) -> None:
    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data={**FORM, "booked_on": "2024-10-15", "narration": "a\x00b"},
    )

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "NUL" in response.text


def test_a_body_of_the_wrong_media_type_is_a_4xx_not_a_crash(
    client: TestClient, setting: Setting
) -> None:
    response = client.post(
        f"/api/v1/communities/{setting.code}/ledger/entries",
        content=_entry(),
        headers={"content-type": "text/plain"},
    )

    assert response.status_code == 422, response.text
    assert all(set(err) == {"loc", "msg", "type"} for err in response.json()["detail"])


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SUNSHINE_REQUEST_MAX_BYTES", "1000")
    monkeypatch.setenv("SUNSHINE_VOUCHER_MAX_BYTES", "2000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _chunks(data: bytes, size: int = 256) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_body_past_the_limit_is_refused_with_413_declared_or_streamed(
    client: TestClient, small_limits: None
) -> None:
    body = b'{"username": "admin", "password": "' + b"x" * 5000 + b'"}'
    declared = client.post("/api/v1/auth/login", content=body, headers=JSON)
    streamed = client.post("/api/v1/auth/login", content=_chunks(body), headers=JSON)
    page = client.post(
        "/login",
        content=_chunks(b"username=a&password=" + b"x" * 5000),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert "content-length" not in {k.lower() for k in streamed.request.headers}
    for response in (declared, streamed):
        error = _refused(response, 413)
        assert error["message"] == "请求超过了 1,000 B 的大小上限"
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")


def test_a_route_that_takes_files_allows_its_files_limit_and_no_more(
    client: TestClient, setting: Setting, small_limits: None
) -> None:
    url = f"/api/v1/communities/{setting.code}/vouchers"
    small = client.post(url, files={"file": ("r.png", PNG, "image/png")})
    big = PNG + b"\0" * (2 * 2**20)  # past the voucher limit and the form's margin

    too_big = client.post(url, files={"file": ("r.png", big, "image/png")})

    assert small.status_code == 201, small.text
    _refused(too_big, 413)
