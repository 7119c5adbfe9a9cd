"""The offline verifier: good bundles pass, and each kind of tampering fails with a reason."""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from sunshine.kernel import merkle
from sunshine.transparency.rules import records as rules
from sunshine.transparency.rules import verifier
from sunshine.transparency.rules.verifier import BundleConsistency
from sunshine.transparency.rules.verifier import BundleRecord

ORIGIN = "sunshine/jcdy"
PLATFORM = rules.Signer(ORIGIN, bytes(range(32)))
COMMITTEE = rules.Signer("jcdy-committee-li", bytes(range(32, 64)))
OTHER = rules.Signer("sunshine/other", bytes(range(64, 96)))

# October's expenses (SCENARIO.md), one canonical record each, then a few more entries.
EXPENSES = [("水费", 2358), ("电费", 19500), ("工资", 530000), ("大门更换", 410000)]
RECORDS = [
    rules.canonical({"kind": "ledger.entry", "seq": i + 1, "narration": n, "amount_fen": fen})
    for i, (n, fen) in enumerate(EXPENSES)
] + [rules.canonical({"kind": "ledger.entry", "seq": i, "amount_fen": i}) for i in range(5, 12)]
TREE = merkle.MemoryTree([merkle.leaf_hash(r) for r in RECORDS])


def _signed(size: int, *signers: rules.Signer, origin: str = ORIGIN) -> str:
    checkpoint = rules.Checkpoint(origin, size, TREE.root(size), "2025-11-01T00:00:00Z")
    signed = rules.sign(checkpoint, signers[0])
    for signer in signers[1:]:
        signed = rules.cosign(signed, signer)
    return signed.text()


def _records(indices: Sequence[int], size: int) -> list[BundleRecord]:
    return [
        BundleRecord(i, RECORDS[i], tuple(merkle.inclusion_proof(i, size, TREE.node)))
        for i in indices
    ]


def _bundle(
    indices: Sequence[int] = (3,),
    size: int = len(RECORDS),
    *,
    checkpoint: str | None = None,
    records: Sequence[BundleRecord] | None = None,
    consistency: Sequence[BundleConsistency] = (),
    public_keys: Sequence[str] = (),
) -> str:
    built = verifier.bundle_from_parts(
        origin=ORIGIN,
        checkpoint=checkpoint or _signed(size, PLATFORM),
        records=_records(indices, size) if records is None else records,
        consistency=consistency,
        public_keys=public_keys,
    )
    return json.dumps(built, ensure_ascii=False)


def _failures(report: verifier.Report) -> dict[str, str]:
    return {c.name: c.reason for c in report.checks if not c.ok}


KEY = PLATFORM.public.text()


def test_a_good_bundle_passes_every_check() -> None:
    report = verifier.verify_bundle(_bundle(), trusted_keys=[KEY])
    assert report.ok, report.checks
    assert [c.name for c in report.checks] == [
        "checkpoint",
        "origin",
        f"signature {ORIGIN}",
        "record 3",
    ]
    assert PLATFORM.public.fingerprint in report.checks[2].reason


def test_a_whole_log_without_proofs_is_checked_by_recomputing_the_root() -> None:
    records = [BundleRecord(i, r) for i, r in enumerate(RECORDS)]
    report = verifier.verify_bundle(_bundle(records=records), trusted_keys=[KEY])
    assert report.ok, report.checks
    assert report.checks[-1].reason == f"all {len(RECORDS)} records recompute the signed root"


def test_a_changed_record_fails() -> None:
    forged = RECORDS[3].replace("大门更换".encode(), "大门维修".encode())
    records = [BundleRecord(3, forged, _records([3], len(RECORDS))[0].proof)]
    report = verifier.verify_bundle(_bundle(records=records), trusted_keys=[KEY])
    assert _failures(report) == {
        "record 3": "not in the signed log: leaf 3 and its inclusion proof lead to a different root"
    }


def test_a_changed_amount_inside_a_record_fails_even_with_its_leaf_hash_recomputed() -> None:
    bundle = json.loads(_bundle())
    bundle["records"][0]["record"] = bundle["records"][0]["record"].replace("410000", "41000")
    report = verifier.verify_bundle(bundle, trusted_keys=[KEY])
    assert _failures(report) == {
        "record 3": "the record does not hash to the leaf hash given with it"
    }
    del bundle["records"][0]["leaf_hash"]
    assert (
        "different root"
        in _failures(verifier.verify_bundle(bundle, trusted_keys=[KEY]))["record 3"]
    )


def test_a_reordered_record_list_fails() -> None:
    whole = [BundleRecord(i, r) for i, r in enumerate(RECORDS)]
    swapped = [whole[1], whole[0], *whole[2:]]
    assert _failures(verifier.verify_bundle(_bundle(records=swapped), trusted_keys=[KEY])) == {
        "record order": "records must be listed once each, in log order"
    }
    moved = [BundleRecord(0, RECORDS[1]), BundleRecord(1, RECORDS[0]), *whole[2:]]
    failures = _failures(verifier.verify_bundle(_bundle(records=moved), trusted_keys=[KEY]))
    assert failures["whole log"].startswith("the 11 records do not recompute the signed root")
    two = _records([0, 1], len(RECORDS))
    moved_with_proofs = [
        BundleRecord(0, RECORDS[1], two[0].proof),
        BundleRecord(1, RECORDS[0], two[1].proof),
    ]
    failures = _failures(
        verifier.verify_bundle(_bundle(records=moved_with_proofs), trusted_keys=[KEY])
    )
    assert set(failures) == {"record 0", "record 1"}


def test_a_truncated_proof_fails() -> None:
    record = _records([3], len(RECORDS))[0]
    assert record.proof is not None
    short = [BundleRecord(3, RECORDS[3], record.proof[:-1])]
    failures = _failures(verifier.verify_bundle(_bundle(records=short), trusted_keys=[KEY]))
    assert failures == {
        "record 3": "not in the signed log: the inclusion proof is too short for a tree of 11"
    }


def test_a_checkpoint_for_another_origin_fails() -> None:
    bundle = _bundle(checkpoint=_signed(len(RECORDS), OTHER, origin="sunshine/other"))
    failures = _failures(verifier.verify_bundle(bundle, trusted_keys=[KEY]))
    assert (
        failures["origin"]
        == "the checkpoint is for 'sunshine/other', but the bundle names 'sunshine/jcdy'"
    )
    assert failures[f"signature {ORIGIN}"].endswith("the checkpoint is signed by: sunshine/other")


def test_a_wrong_key_is_refused_and_its_fingerprint_reported() -> None:
    impostor = rules.Signer(ORIGIN, bytes(range(100, 132)))
    report = verifier.verify_bundle(
        _bundle(checkpoint=_signed(len(RECORDS), impostor)), trusted_keys=[KEY]
    )
    assert _failures(report) == {
        f"signature {ORIGIN}": f"no valid signature by {ORIGIN} (fingerprint "
        f"{PLATFORM.public.fingerprint}); the checkpoint is signed by: {ORIGIN}"
    }


def test_a_cosignature_is_checked_with_the_committee_members_key() -> None:
    both = [KEY, COMMITTEE.public.text()]
    signed_by_both = _bundle(checkpoint=_signed(len(RECORDS), PLATFORM, COMMITTEE))
    assert verifier.verify_bundle(signed_by_both, trusted_keys=both).ok
    platform_only = verifier.verify_bundle(_bundle(), trusted_keys=both)
    assert set(_failures(platform_only)) == {"signature jcdy-committee-li"}


def _forged() -> str:
    """A bundle a forger made whole: records, a tree, and a checkpoint signed by a key they
    made themselves and put in the bundle under the community's name."""
    forger = rules.Signer(ORIGIN, bytes(range(96, 128)))
    records = [rules.canonical({"kind": "ledger.entry", "amount_fen": 1}), *RECORDS[1:]]
    tree = merkle.MemoryTree([merkle.leaf_hash(r) for r in records])
    note = rules.sign(rules.Checkpoint(ORIGIN, len(records), tree.root()), forger).text()
    proof = tuple(merkle.inclusion_proof(0, len(records), tree.node))
    built = verifier.bundle_from_parts(
        origin=ORIGIN,
        checkpoint=note,
        records=[BundleRecord(0, records[0], proof)],
        public_keys=[forger.public.text()],
    )
    return json.dumps(built)


def test_a_forged_bundle_without_a_key_fails_as_not_authenticated() -> None:
    report = verifier.verify_bundle(_forged())
    assert not report.ok
    assert not report.authenticated
    assert _failures(report) == {
        "authenticity": "NOT checked: no --key was given. Keys inside the bundle prove "
        "nothing, since whoever made a forged bundle made its keys too. Give --key as "
        "printed on the notice board, or ask for --structure-only to check only the "
        "bundle's form"
    }
    assert report.verdict == "Verification FAILED."
    # A genuine bundle without a key fails the same way: nothing vouches for it either.
    assert set(_failures(verifier.verify_bundle(_bundle(public_keys=[KEY])))) == {"authenticity"}
    assert set(_failures(verifier.verify_bundle(_bundle()))) == {"authenticity"}


def test_a_forged_bundle_with_the_notice_boards_key_fails_its_signature() -> None:
    report = verifier.verify_bundle(_forged(), trusted_keys=[KEY])
    assert not report.authenticated
    assert _failures(report) == {
        f"signature {ORIGIN}": f"no valid signature by {ORIGIN} (fingerprint "
        f"{PLATFORM.public.fingerprint}); the checkpoint is signed by: {ORIGIN}"
    }


def test_an_empty_bundle_is_not_a_pass() -> None:
    report = verifier.verify_bundle(_bundle(records=[]), trusted_keys=[KEY])
    assert report.authenticated  # the checkpoint is genuine, but nothing was checked against it
    assert _failures(report) == {
        "records": "the bundle holds no records and you gave no saved checkpoint (--saved): "
        "nothing in the log was checked, so this is not a pass"
    }
    empty_log = verifier.bundle_from_parts(
        origin=ORIGIN,
        checkpoint=rules.sign(rules.Checkpoint(ORIGIN, 0, merkle.root_of([])), PLATFORM).text(),
    )
    assert set(_failures(verifier.verify_bundle(empty_log, trusted_keys=[KEY]))) == {"records"}


def test_a_structure_only_check_passes_a_well_formed_bundle_and_says_it_is_not_authenticated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = verifier.verify_bundle(_bundle(public_keys=[KEY]), structure_only=True)
    assert report.ok
    assert not report.authenticated
    assert report.notes == [
        (
            f"No --key was given: compare {ORIGIN}'s fingerprint {PLATFORM.public.fingerprint} "
            "with the one printed on the notice board and the community's page."
        )
    ]
    # A carried key that did not sign (a member who has not co-signed yet) is only noted.
    both = verifier.verify_bundle(
        _bundle(public_keys=[KEY, COMMITTEE.public.text()]), structure_only=True
    )
    assert both.ok
    assert (
        f"{COMMITTEE.name}, a key the bundle carries, did not sign this checkpoint." in both.notes
    )
    # The forger's bundle is well-formed too: that is all a structure-only pass says.
    forged = tmp_path / "forged.json"
    forged.write_text(_forged(), encoding="utf-8")
    assert verifier.main([str(forged), "--structure-only"]) == 0
    out = capsys.readouterr().out
    assert "All checks passed" not in out
    assert out.endswith(
        "The bundle is well-formed, but its authenticity was NOT checked: no key you "
        "trust was given (--key).\n"
    )
    assert verifier.main([str(forged)]) == 1
    assert "FAILED  authenticity: NOT checked" in capsys.readouterr().out
    changed = tmp_path / "changed.json"
    changed.write_text(_bundle(public_keys=[KEY]).replace("410000", "410001"), encoding="utf-8")
    assert verifier.main([str(changed), "--structure-only"]) == 1  # form is still checked


def test_a_saved_checkpoint_is_extended_by_a_consistent_log() -> None:
    proof = tuple(merkle.consistency_proof(4, len(RECORDS), TREE.node))
    bundle = _bundle(consistency=[BundleConsistency(4, proof)])
    report = verifier.verify_bundle(
        bundle, trusted_keys=[KEY], saved_checkpoint=_signed(4, PLATFORM)
    )
    assert report.ok, report.checks
    assert report.checks[-1].reason == "the log of 11 records extends your saved log of 4 unchanged"


def test_a_forked_history_is_caught_by_the_saved_checkpoint() -> None:
    forked = merkle.MemoryTree([merkle.leaf_hash(r) for r in [*RECORDS[:5], b'{"forged":1}']])
    saved = rules.sign(rules.Checkpoint(ORIGIN, 6, forked.root()), PLATFORM).text()
    proof = tuple(merkle.consistency_proof(6, len(RECORDS), TREE.node))
    bundle = _bundle(consistency=[BundleConsistency(6, proof)])
    failures = _failures(verifier.verify_bundle(bundle, trusted_keys=[KEY], saved_checkpoint=saved))
    assert failures == {
        "history since your checkpoint of 6": "the log was rewritten or forked since you saved "
        "it: the proof does not lead to the earlier root of 6 leaves"
    }
    # A power-of-two old size is its own first proof step, so the mismatch shows at the end.
    forked = merkle.MemoryTree([merkle.leaf_hash(r) for r in [*RECORDS[:3], b'{"forged":1}']])
    saved = rules.sign(rules.Checkpoint(ORIGIN, 4, forked.root()), PLATFORM).text()
    proof = tuple(merkle.consistency_proof(4, len(RECORDS), TREE.node))
    bundle = _bundle(consistency=[BundleConsistency(4, proof)])
    failures = _failures(verifier.verify_bundle(bundle, trusted_keys=[KEY], saved_checkpoint=saved))
    assert failures["history since your checkpoint of 4"].startswith(
        "the log was rewritten or forked since you saved it"
    )
    whole = _bundle(records=[BundleRecord(i, r) for i, r in enumerate(RECORDS)])
    failures = _failures(verifier.verify_bundle(whole, trusted_keys=[KEY], saved_checkpoint=saved))
    assert failures == {
        "history since your checkpoint of 4": "the first 4 records no longer give your saved "
        "root: history was rewritten"
    }


def test_a_shrunk_log_or_a_missing_consistency_proof_fails() -> None:
    saved = _signed(len(RECORDS), PLATFORM)
    shrunk = _bundle(indices=[1], size=5)
    failures = _failures(verifier.verify_bundle(shrunk, trusted_keys=[KEY], saved_checkpoint=saved))
    assert failures["history since your checkpoint of 11"].endswith(
        "fewer than the 11 you saved: cut"
    )
    failures = _failures(
        verifier.verify_bundle(_bundle(), trusted_keys=[KEY], saved_checkpoint=_signed(4, PLATFORM))
    )
    assert failures == {
        "history since your checkpoint of 4": "the bundle has no consistency proof from size 4; ask for one"
    }


def test_a_carried_consistency_proof_is_checked_against_its_root() -> None:
    proof = tuple(merkle.consistency_proof(6, len(RECORDS), TREE.node))
    good = _bundle(consistency=[BundleConsistency(6, proof, TREE.root(6))])
    assert verifier.verify_bundle(good, trusted_keys=[KEY]).ok
    bad = _bundle(consistency=[BundleConsistency(6, proof, TREE.root(5))])
    assert set(_failures(verifier.verify_bundle(bad, trusted_keys=[KEY]))) == {"consistency from 6"}


@pytest.mark.parametrize(
    ("bundle", "reason"),
    [
        ("not json", "the bundle is not JSON"),
        ('{"version": 2}', "not a version 1 Sunshine bundle"),
        ('{"version": 1, "origin": "x"}', "the bundle has no origin or checkpoint text"),
        ('{"version": 1, "origin": "x", "checkpoint": "x\\n1\\n"}', "the checkpoint does not read"),
    ],
)
def test_a_malformed_bundle_fails_with_a_reason(bundle: str, reason: str) -> None:
    report = verifier.verify_bundle(bundle, trusted_keys=[KEY])
    assert not report.ok
    assert report.checks[0].reason.startswith(reason)


def test_the_verifier_reads_the_format_exactly_as_rules_writes_it() -> None:
    signed = rules.parse_signed_checkpoint(_signed(7, PLATFORM, COMMITTEE))
    note = verifier.parse_note(signed.text())
    assert (note.origin, note.size, note.root, note.timestamp) == (
        signed.checkpoint.origin,
        signed.checkpoint.tree_size,
        signed.checkpoint.root_hash,
        signed.checkpoint.timestamp,
    )
    assert note.body == signed.checkpoint.body()
    for signer in (PLATFORM, COMMITTEE):
        key = verifier.parse_key(signer.public.text())
        assert (key.key_id, key.fingerprint) == (signer.public.key_id, signer.public.fingerprint)
        assert verifier.signed_by(note, key)


def test_main_prints_each_check_and_exits_non_zero_on_a_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(_bundle(), encoding="utf-8")
    bad.write_text(_bundle().replace("410000", "410001"), encoding="utf-8")
    key_file = tmp_path / "platform.pub"
    key_file.write_text(KEY + "\n")
    assert verifier.main([str(good), "--key", KEY]) == 0
    assert "All checks passed." in capsys.readouterr().out
    assert verifier.main([str(bad), "--key", str(key_file)]) == 1
    out = capsys.readouterr().out
    assert "FAILED  record 3:" in out
    assert out.endswith("Verification FAILED.\n")
    assert verifier.main([str(tmp_path / "missing.json")]) == 2


def test_the_verifier_imports_nothing_of_ours_but_the_kernel() -> None:
    source = Path(verifier.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    ours = {name for name in imported if name.startswith(("sunshine", "."))}
    assert ours
    assert all(name == "sunshine.kernel" or name.startswith("sunshine.kernel.") for name in ours)
