"""The language switch goes back to the page it came from, and never to another site."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sunshine.infra.web import LOCALE_COOKIE
from sunshine.infra.web import local_path


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/c/jcdy/registry?saved=1", "/c/jcdy/registry?saved=1"),
        ("/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ],
)
def test_only_a_path_on_this_site_is_a_place_to_go_back_to(target: str, expected: str) -> None:
    assert local_path(target) == expected


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example/x", "http://evil.example"])
def test_the_language_switch_refuses_to_send_anyone_to_another_site(
    client: TestClient, target: str
) -> None:
    response = client.get("/lang/en", params={"next": target}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert response.cookies.get(LOCALE_COOKIE) == "en"


def test_the_language_switch_goes_back_to_the_page(client: TestClient) -> None:
    response = client.get("/lang/zh_CN", params={"next": "/login"}, follow_redirects=False)

    assert response.headers["location"] == "/login"
