"""`sunshine checkpoint …`, `sunshine log bundle` and `sunshine verify`, end to end on a file database."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.identity.rules import Role
from sunshine.infra.authority import signing_key_matter
from sunshine.kernel import merkle
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.transparency import service as log
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.authority_setup import decided

runner = CliRunner()


def log_community(session: Session) -> Community:
    return registry.get_community(session, "jc")


def _community_with_records(engine: Engine, count: int) -> None:
    with Session(engine) as session:
        community = make_community(session, code="jc")
        for n in range(count):
            log.append(session, community.id, kind="test", record={"n": n, "amount_fen": 100 * n})
        session.commit()


def test_an_exported_bundle_verifies_with_the_printed_key_and_a_forged_one_does_not(
    cli_database: Engine, tmp_path: Path
) -> None:
    _community_with_records(cli_database, 5)
    signed = runner.invoke(app, ["checkpoint", "sign", "-c", "jc"])
    assert signed.exit_code == 0, signed.output
    assert "sunshine/jc" in runner.invoke(app, ["log", "status", "-c", "jc"]).output
    key_line = runner.invoke(app, ["log", "keys", "-c", "jc"]).output.split("  #")[0]
    bundle = tmp_path / "bundle.json"
    made = runner.invoke(
        app, ["log", "bundle", "-c", "jc", "--records", "1,3", "--out", str(bundle)]
    )
    assert made.exit_code == 0, made.output
    empty = runner.invoke(app, ["log", "bundle", "-c", "jc", "--out", str(tmp_path / "e.json")])
    assert empty.exit_code == 2  # a checkpoint alone proves nothing: verify would fail it

    good = runner.invoke(app, ["verify", str(bundle), "--key", key_line])
    assert good.exit_code == 0, good.output
    assert "All checks passed." in good.output

    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["records"][0]["record"] = data["records"][0]["record"].replace(
        '"amount_fen":100', '"amount_fen":900'
    )
    data["records"][0].pop("leaf_hash")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    bad = runner.invoke(app, ["verify", str(forged), "--key", key_line])
    assert bad.exit_code == 1
    assert "Verification FAILED." in bad.output


def test_a_rewritten_history_fails_against_the_checkpoint_an_owner_saved(
    cli_database: Engine, tmp_path: Path
) -> None:
    _community_with_records(cli_database, 4)
    saved = tmp_path / "saved.txt"
    saved.write_text(
        runner.invoke(app, ["checkpoint", "sign", "-c", "jc"]).output, encoding="utf-8"
    )
    with Session(cli_database) as session:  # behind the app's back: drop the triggers, rewrite
        session.execute(text("DROP TRIGGER transparency_record_no_update"))
        session.execute(
            text("UPDATE transparency_record SET leaf_hash = zeroblob(32) WHERE seq = 1")
        )
        session.execute(text("DROP TRIGGER transparency_node_no_delete"))
        session.execute(text("DELETE FROM transparency_node"))
        session.commit()
        community_id = session.scalar(text("SELECT id FROM registry_community WHERE code = 'jc'"))
        rows = session.execute(
            text(
                "SELECT seq, leaf_hash FROM transparency_record WHERE community_id = :c ORDER BY seq"
            ),
            {"c": community_id},
        ).all()
        # rebuild the stored subtrees so the forged tree is self-consistent
        frontier: list[bytes] = []
        for seq, leaf in rows:
            frontier, done = merkle.frontier_append(frontier, seq, bytes(leaf))
            for node in done:
                if node.level:
                    session.execute(
                        text("INSERT INTO transparency_node VALUES (:c, :l, :i, :h)"),
                        {"c": community_id, "l": node.level, "i": node.index, "h": node.hash},
                    )
        session.commit()
    with Session(cli_database) as session:
        log.append(session, community_id, kind="test", record={"n": 99})
        session.commit()
    runner.invoke(app, ["checkpoint", "sign", "-c", "jc"])
    bundle = tmp_path / "bundle.json"
    runner.invoke(app, ["log", "bundle", "-c", "jc", "--since", "4", "--out", str(bundle)])
    result = runner.invoke(app, ["verify", str(bundle), "--saved", str(saved)])
    assert result.exit_code == 1, result.output
    assert "FAILED  history since your checkpoint of 4" in result.output, result.output


def test_a_committee_member_cosigns_offline_and_the_cosignature_is_attached(
    cli_database: Engine, tmp_path: Path
) -> None:
    _community_with_records(cli_database, 3)
    key = tmp_path / "zhou.key"
    made = runner.invoke(
        app, ["checkpoint", "keygen", "--name", "jc-committee-zhou", "--out", str(key)]
    )
    public = made.output.splitlines()[0]
    assert (
        runner.invoke(app, ["checkpoint", "add-key", "-c", "jc", "--public", public]).exit_code == 0
    )
    note = tmp_path / "note.txt"
    note.write_text(runner.invoke(app, ["checkpoint", "sign", "-c", "jc"]).output, encoding="utf-8")
    offline = runner.invoke(app, ["checkpoint", "cosign", "--key", str(key), "--note", str(note)])
    assert offline.output.startswith("— jc-committee-zhou ")
    attached = runner.invoke(app, ["checkpoint", "cosign", "--key", str(key), "-c", "jc"])
    assert attached.exit_code == 0, attached.output
    shown = runner.invoke(app, ["checkpoint", "show", "-c", "jc"]).output
    assert offline.output.strip() in shown


def test_a_bundle_of_the_whole_log_verifies_by_its_root_and_catches_a_changed_record(
    cli_database: Engine, tmp_path: Path
) -> None:
    _community_with_records(cli_database, 37)
    runner.invoke(app, ["checkpoint", "sign", "-c", "jc"])
    key_line = runner.invoke(app, ["log", "keys", "-c", "jc"]).output.split("  #")[0]
    bundle = tmp_path / "all.json"
    made = runner.invoke(
        app, ["log", "bundle", "-c", "jc", "--records", "all", "--out", str(bundle)]
    )
    assert made.exit_code == 0, made.output
    data = json.loads(bundle.read_text(encoding="utf-8"))
    assert len(data["records"]) == 37
    assert all("proof" not in record for record in data["records"])  # the root covers them
    good = runner.invoke(app, ["verify", str(bundle), "--key", key_line])
    assert good.exit_code == 0, good.output
    assert "all 37 records recompute the signed root" in good.output

    data["records"][5]["record"] = data["records"][5]["record"].replace(
        '"amount_fen":500', '"amount_fen":501'
    )
    data["records"][5].pop("leaf_hash")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    bad = runner.invoke(app, ["verify", str(forged), "--key", key_line])
    assert bad.exit_code == 1
    assert "do not recompute the signed root" in bad.output


def test_a_key_made_offline_belongs_to_a_member_and_counts_once_confirmed(
    cli_database: Engine, tmp_path: Path
) -> None:
    """The CLI maps onto the web app's key registry: the member's, confirmed by another."""
    _community_with_records(cli_database, 2)
    with Session(cli_database) as session:
        community = log_community(session)
        member = make_user(session, community=community, role=Role.COMMITTEE)
        manager = make_user(session, community=community, role=Role.TRUSTEE_MANAGER)
        # The committee's decision registering the key, which the confirmation cites.
        cited = decided(session, community.id, signing_key_matter("jc-committee-zhou"))
        session.commit()
        names = (member.username, manager.username, member.id)
    key = tmp_path / "zhou.key"
    made = runner.invoke(
        app, ["checkpoint", "keygen", "--name", "jc-committee-zhou", "--out", str(key)]
    )
    public = made.output.splitlines()[0]
    add = ["checkpoint", "add-key", "-c", "jc", "--public", public, "--member", str(names[0])]
    assert runner.invoke(app, add).exit_code == 0
    runner.invoke(app, ["checkpoint", "sign", "-c", "jc"])
    assert (
        runner.invoke(app, ["checkpoint", "cosign", "--key", str(key), "-c", "jc"]).exit_code == 0
    )
    confirm = ["checkpoint", "confirm-key", "-c", "jc", "--key", "jc-committee-zhou", "--by"]
    own = runner.invoke(app, [*confirm, str(names[0])])
    assert own.exit_code != 0
    assert "confirms your key" in str(own.exception)  # not by the member themself
    uncited = runner.invoke(app, [*confirm, str(names[1])])
    assert "needs a committee decision" in str(uncited.exception)
    assert runner.invoke(app, [*confirm, str(names[1]), "--authority", cited]).exit_code == 0

    with Session(cli_database) as session:
        community = log_community(session)
        checkpoint = log.latest_checkpoint(session, community.id)
        assert checkpoint is not None
        assert log.cosigners(session, community.id, [checkpoint.tree_size]) == {
            checkpoint.tree_size: frozenset({names[2]})
        }
    retired = runner.invoke(
        app, ["checkpoint", "retire-key", "-c", "jc", "--key", "jc-committee-zhou"]
    )
    assert retired.exit_code == 0, retired.output
