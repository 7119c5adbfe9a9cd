"""Every number a request may carry is bounded, and every route checks its input first.

A new route or request field with a bare `int` fails here: use `infra.inputs.RowId` or
`Ordinal`, or a `Field`/`Query` with both `ge` and `le`, within the database's BIGINT.
(A larger number in JSON is refused before any route anyway, by `infra.inputs`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from unittest.mock import ANY

from fastapi.testclient import TestClient

from sunshine.entrypoints.web import create_app
from sunshine.infra.inputs import BIGINT_MAX

DOCUMENT = create_app().openapi()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    found: dict[str, Any] = DOCUMENT
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found


def _integers(schema: dict[str, Any], where: str, seen: set[str]) -> Iterator[tuple[str, dict]]:
    ref = schema.get("$ref")
    if ref in seen:
        return
    if ref:
        seen = {*seen, ref}
    schema = _resolve(schema)
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _integers(option, where, seen)
    for name, child in schema.get("properties", {}).items():
        yield from _integers(child, f"{where}.{name}", seen)
    if "items" in schema:
        yield from _integers(schema["items"], f"{where}[]", seen)


def _request_integers() -> Iterator[tuple[str, dict]]:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                yield from _integers(parameter["schema"], f"{label} {parameter['name']}", set())
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield from _integers(media["schema"], f"{label} body", set())


def test_every_integer_a_request_may_carry_has_bounds_within_bigint() -> None:
    found = list(_request_integers())
    unbounded = [
        where
        for where, schema in found
        if not (
            schema.get("minimum", schema.get("exclusiveMinimum", -(2**64))) >= -BIGINT_MAX - 1
            and schema.get("maximum", schema.get("exclusiveMaximum", 2**64)) <= BIGINT_MAX
        )
    ]

    assert len(found) > 20  # the walk reaches parameters and bodies
    assert unbounded == []


def test_every_operation_refuses_unstorable_input_before_its_own_code() -> None:
    """A NUL in the query string, on every operation, whoever asks: the check comes first."""
    client = TestClient(create_app())
    refused = {}
    for path, operations in DOCUMENT["paths"].items():
        url = re.sub(r"\{(\w+)\}", "1", path).replace("export.1", "export.csv")
        for method in operations:
            response = client.request(method.upper(), f"{url}?x=%00")
            problems = response.json().get("error", {}).get("problems", [])
            refused[f"{method.upper()} {path}"] = (response.status_code, problems[:1])

    expected = [{"code": "unstorable_text", "message": ANY, "where": "x"}]
    assert len(refused) > 60
    assert {op: got for op, got in refused.items() if got != (422, expected)} == {}
