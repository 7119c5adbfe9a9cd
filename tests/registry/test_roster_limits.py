"""Roster files have a size and a row limit, with a clear message (settings roster_max_*).

The row limit holds while the file is read: an XLSX is zipped, and a few MB of it can
hold millions of rows, which are never all read into memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra.settings import get_settings
from sunshine.registry.rules import roster_files
from sunshine.registry.rules.roster_format import HEADERS
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user

HEADER = "房号,面积,姓名,电话,身份\n"
URL = "/api/v1/communities/a/roster/import"


def _csv(rows: int) -> bytes:
    lines = [f"1-1-{101 + n},85.37,张{n},1380000{n:04d},业主\n" for n in range(rows)]
    return (HEADER + "".join(lines)).encode()


def _xlsx(rows: int) -> bytes:
    keys = list(HEADERS)
    cells = {"unit": "1-1-101", "area": "85.37", "name": "张三", "role": "业主"}
    row = [cells.get(key, "") for key in keys]
    return roster_files.write_xlsx([row] * rows)


@pytest.mark.parametrize("make", [_csv, _xlsx])
def test_a_file_of_more_rows_than_the_limit_is_refused_as_a_whole(make: object) -> None:
    fits, _ = roster_files.read_sheet(make(5), filename="r", max_rows=5)  # type: ignore[operator]
    sheet, problems = roster_files.read_sheet(make(50), filename="r", max_rows=5)  # type: ignore[operator]

    assert fits is not None
    assert sheet is None
    assert [(p.code, p.text()) for p in problems] == [
        ("file_too_long", "r has more than 5 rows; split it into smaller files")
    ]


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SUNSHINE_ROSTER_MAX_ROWS", "20")
    monkeypatch.setenv("SUNSHINE_ROSTER_MAX_BYTES", "2000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_api_names_the_row_and_size_limits(
    client: TestClient, session: Session, limits: None
) -> None:
    community = make_community(session, code="a")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))

    def upload(data: bytes) -> dict[str, tuple[str, bytes, str]]:
        return {"file": ("roster.csv", data, "text/csv")}

    long = client.post(URL, files=upload(_csv(40)[:1990]), headers={"accept-language": "zh-CN"})
    large = client.post(URL, files=upload(_csv(100)), headers={"accept-language": "zh-CN"})
    huge = client.post(URL, files=upload(b"x" * (3 * 2**20)))

    assert long.status_code == 200, long.text
    assert [p["code"] for p in long.json()["problems"]] == ["file_too_long"]
    assert "超过 20 行" in long.json()["problems"][0]["message"]
    assert large.status_code == 422
    assert large.json()["error"]["problems"][0]["code"] == "roster_size"
    assert huge.status_code == 413  # past the file's limit and the form's margin: never read
