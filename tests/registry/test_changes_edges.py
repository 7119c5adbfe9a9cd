"""Transfers, history, edits, moves and vehicle removal through the JSON API and the CLI."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.identity.rules import Role
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_unit
from tests.factories import make_user

runner = CliRunner(env={"COLUMNS": "160"})


def _sold(session: Session, code: str) -> tuple[Community, int, int, int]:
    community = make_community(session, code=code)
    unit = make_unit(session, community)
    old = registry.add_party(session, community.id, name="张三", phone="13812345678").id
    new = registry.add_party(session, community.id, name="李四", phone="13912345678").id
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=old)
    return community, unit.id, old, new


def test_staff_transfer_a_unit_and_read_its_history_through_the_api(
    client: TestClient, session: Session
) -> None:
    community, unit_id, old, new = _sold(session, "a")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))
    body = {
        "from_party_ids": [old],
        "to": [{"party_id": new, "share_percent": 100}],
        "effective_on": "2025-07-01",
        "reason": "sale",
    }
    response = client.post(f"/api/v1/communities/a/units/{unit_id}/transfers", json=body)
    assert response.status_code == 201, response.text
    again = client.post(f"/api/v1/communities/a/units/{unit_id}/transfers", json=body)
    assert again.status_code == 409  # the owners named as leaving are no longer the owners
    history = client.get(f"/api/v1/communities/a/units/{unit_id}/ownership-history").json()
    assert [(h["name"], h["valid_from"], h["valid_to"]) for h in history] == [
        ("李四", "2025-07-01", None),
        ("张三", None, "2025-07-01"),
    ]


def test_a_bad_id_number_is_422_and_a_vehicle_is_removed_with_204(
    client: TestClient, session: Session
) -> None:
    community, unit_id, old, _new = _sold(session, "a")
    vehicle = registry.register_vehicle(session, community.id, plate="苏D12345", unit_id=unit_id)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))
    response = client.patch(
        f"/api/v1/communities/a/parties/{old}",
        json={"name": "王五", "id_number": "110105194912310021"},
    )
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["error"]["problems"]] == ["id_number"]
    assert registry.get_party(session, community.id, old).name == "张三"
    assert client.delete(f"/api/v1/communities/a/vehicles/{vehicle.id}").status_code == 204
    assert client.delete(f"/api/v1/communities/a/vehicles/{vehicle.id}").status_code == 404


def test_an_owner_cannot_transfer_or_edit(client: TestClient, session: Session) -> None:
    community, unit_id, old, new = _sold(session, "a")
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    body = {"from_party_ids": [old], "to": [{"party_id": new, "share_percent": 100}],
            "effective_on": "2025-07-01", "reason": "sale"}  # fmt: skip
    response = client.post(f"/api/v1/communities/a/units/{unit_id}/transfers", json=body)
    assert response.status_code in {403, 404}
    assert [o.party_id for o in registry.owners_of(session, community.id, unit_id)] == [old]


@pytest.fixture
def cli_engine(cli_database: Engine) -> Engine:
    with Session(cli_database) as session:
        _sold(session, "jc")
        session.commit()
    return cli_database


def test_the_cli_transfers_moves_and_refuses_a_back_dated_transfer(cli_engine: Engine) -> None:
    args = ["registry", "transfer", "--community", "jc", "--unit", "1-1-101"]
    result = runner.invoke(
        app, [*args, "--to", "13912345678:60", "--to", "1:40", "--on", "2025-07-01",
              "--reason", "sale"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    late = runner.invoke(app, [*args, "--to", "1", "--on", "2025-06-01", "--reason", "gift"])
    assert isinstance(late.exception, Invalid)  # `main` prints it and exits with 2
    assert [p.code for p in late.exception.problems] == ["transfer_overlap"]
    where = ["--community", "jc", "--unit", "1-1-101", "--person", "2"]
    moved = runner.invoke(
        app, ["registry", "move-in", *where, "--on", "2025-08-01", "--kind", "tenant"]
    )
    assert moved.exit_code == 0, moved.output
    left = runner.invoke(app, ["registry", "move-out", *where, "--on", "2025-09-01"])
    assert left.exit_code == 0, left.output
    shown = runner.invoke(app, ["registry", "history", "--community", "jc", "--unit", "1-1-101"])
    assert "李四" in shown.output
    with Session(cli_engine) as session:
        community = registry.find_community(session, "jc")
        assert community is not None
        liable = registry.liable_on(session, community.id, date(2025, 7, 1), "owner")
        assert next(iter(liable.values())).name == "李四"
