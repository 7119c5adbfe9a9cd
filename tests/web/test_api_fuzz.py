"""No request that the OpenAPI document can describe, valid or not, gets a 5xx, as any role.

One test per operation of `/api/v1/openapi.json` (so a new route is fuzzed as soon as it
exists). See `tests/web/api_fuzz.py` for what is sent; `bench/fuzz_api.py` runs this
module with more examples. SQLite only: the database is the demo, loaded once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from sunshine.entrypoints.web import create_app
from tests.demo_copies import DemoCopies
from tests.web import api_fuzz

APP = create_app()
SCHEMA = schemathesis.openapi.from_dict(APP.openapi(), config=api_fuzz.config())
SCHEMA.app = APP  # requests go to the app in process
TALLY = api_fuzz.Tally()


@pytest.fixture(scope="module")
def target(demo_copies: DemoCopies) -> Iterator[api_fuzz.Target]:
    with api_fuzz.demo_target(demo_copies) as loaded:
        yield loaded
    if api_fuzz.TALLY_FILE:
        TALLY.write(api_fuzz.TALLY_FILE)


@SCHEMA.parametrize()
def test_no_generated_request_gets_a_server_error(case: Any, target: api_fuzz.Target) -> None:
    for role in target.roles_for(case):
        with api_fuzz.caught_by_the_net() as caught:
            status = api_fuzz.send(target, case, role)
        TALLY.add(role, case, status)
        if not api_fuzz.KEEP_GOING:
            assert status < 500, f"{role}: {status}\n{case.as_curl_command()}"
            assert caught == [], f"{role}: {caught}\n{case.as_curl_command()}"
