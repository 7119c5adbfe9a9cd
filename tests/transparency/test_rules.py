"""Canonical records, keyed hashes, keys and signed checkpoints (transparency.rules)."""

from __future__ import annotations

import base64
import hashlib
import stat
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nacl.signing import SigningKey

from sunshine.kernel import merkle
from sunshine.kernel.errors import Invalid
from sunshine.transparency.rules import records as rules

ROOT_8 = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")

# golang.org/x/mod/sumdb/note, ExampleSign / ExampleOpen: a key pair and the note it signs.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE_LINE = (
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
)


@pytest.fixture(scope="module")
def platform() -> rules.Signer:
    return rules.Signer(name="sunshine/jcdy", seed=bytes(range(32)))


@pytest.fixture(scope="module")
def committee() -> rules.Signer:
    return rules.Signer(name="jcdy-committee-li", seed=bytes(range(32, 64)))


def _checkpoint() -> rules.Checkpoint:
    return rules.Checkpoint("sunshine/jcdy", 8, ROOT_8, "2025-01-31T12:00:00Z")


# --- Records -------------------------------------------------------------------------


def test_a_record_is_sorted_compact_utf8_json() -> None:
    record = {"narration": "大门更换", "amount_fen": 410000, "lines": [{"b": None, "a": True}]}
    assert (
        rules.canonical(record)
        == ('{"amount_fen":410000,"lines":[{"a":true,"b":null}],"narration":"大门更换"}').encode()
    )


def test_a_record_with_floats_or_non_json_values_is_refused_with_every_place_named() -> None:
    record = {
        "amount": 23.58,
        "lines": [{"fen": float("nan")}, {"fen": 1}],
        "at": Decimal("1.5"),
        "tags": {3, 4},
        "nested": {1: "x"},
    }
    with pytest.raises(Invalid) as caught:
        rules.canonical(record)
    found = {(p.code, p.where) for p in caught.value.problems}
    assert found == {
        ("float", "amount"),
        ("float", "lines[0].fen"),
        ("type", "at"),
        ("type", "tags"),
        ("key", "nested"),
    }


def test_a_record_with_broken_unicode_is_refused() -> None:
    with pytest.raises(Invalid, match="not valid Unicode"):
        rules.canonical({"name": "\ud800"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_the_canonical_form_ignores_key_order(record: dict[str, object]) -> None:
    reordered = dict(reversed(list(record.items())))
    try:
        expected = rules.canonical(record)
    except Invalid:  # lone surrogates from st.text()
        return
    assert rules.canonical(reordered) == expected


def test_a_keyed_hash_is_hmac_sha256() -> None:
    # RFC 4231, test case 1.
    assert rules.keyed_hash(b"\x0b" * 20, "Hi There") == (
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    )


def test_a_keyed_hash_is_stable_across_unicode_forms_and_differs_per_secret() -> None:
    secret = b"community-secret-0001"
    assert rules.keyed_hash(secret, "Zoé") == rules.keyed_hash(secret, "Zoe\u0301")
    assert rules.keyed_hash(secret, "13812345678") != rules.keyed_hash(
        b"community-secret-0002", "13812345678"
    )
    with pytest.raises(Invalid, match="at least 16 bytes"):
        rules.keyed_hash(b"short", "13812345678")


# --- Keys ----------------------------------------------------------------------------


def test_keys_read_and_write_the_go_note_format() -> None:
    signer = rules.parse_private_key(GO_SKEY)
    public = rules.parse_public_key(GO_VKEY)
    assert signer.public == public
    assert public.key_id.hex() == "c74f20a3"
    assert signer.text() == GO_SKEY
    assert public.text() == GO_VKEY
    signature = SigningKey(signer.seed).sign(GO_TEXT.encode()).signature
    assert rules.NoteSignature(public.name, public.key_id, signature).line() == GO_SIGNATURE_LINE
    assert rules.parse_signature_line(GO_SIGNATURE_LINE).signature == signature


def test_a_mistyped_or_foreign_key_is_refused() -> None:
    with pytest.raises(Invalid, match="id does not match"):
        rules.parse_public_key(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(Invalid, match="garbled"):
        rules.parse_public_key("PeterNeumann+c74f20a3+not base64!")
    with pytest.raises(Invalid, match="note format"):
        rules.parse_public_key("just-a-name")
    with pytest.raises(Invalid, match="Ed25519"):
        rules.parse_public_key("x+00000000+" + base64.b64encode(b"\x02" + bytes(32)).decode())
    with pytest.raises(Invalid, match="without spaces"):
        rules.Signer("two words", bytes(32))


def test_a_fingerprint_is_four_groups_of_the_keys_sha256(platform: rules.Signer) -> None:
    public = platform.public
    digest = hashlib.sha256(public.key).hexdigest()
    assert public.fingerprint == f"{digest[0:4]} {digest[4:8]} {digest[8:12]} {digest[12:16]}"


def test_a_signer_never_shows_its_seed(platform: rules.Signer) -> None:
    assert platform.seed.hex() not in repr(platform)
    assert repr(platform) == "Signer(name='sunshine/jcdy')"


def test_a_private_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    signer = rules.Signer.generate("jcdy-committee-wang")
    path = tmp_path / "wang.key"
    rules.write_private_key(path, signer)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert rules.read_private_key(path) == signer
    with pytest.raises(FileExistsError):
        rules.write_private_key(path, rules.Signer.generate("jcdy-committee-wang"))
    path.chmod(0o644)
    with pytest.raises(Invalid, match="chmod 600"):
        rules.read_private_key(path)


# --- Checkpoints ---------------------------------------------------------------------


def test_a_checkpoint_body_is_origin_size_root_and_time() -> None:
    root = base64.b64encode(ROOT_8).decode()
    assert _checkpoint().body() == f"sunshine/jcdy\n8\n{root}\n2025-01-31T12:00:00Z\n"
    untimed = rules.Checkpoint("sunshine/jcdy", 0, merkle.EMPTY_ROOT)
    assert rules.parse_checkpoint(untimed.body()) == untimed


def test_a_checkpoint_is_stamped_in_utc_to_the_second() -> None:
    beijing = timezone(timedelta(hours=8))
    at = datetime(2025, 1, 31, 20, 0, 0, 999, tzinfo=beijing)
    assert rules.checkpoint_at("sunshine/jcdy", 8, ROOT_8, at=at) == _checkpoint()
    with pytest.raises(Invalid, match="time zone"):
        rules.checkpoint_at("sunshine/jcdy", 8, ROOT_8, at=datetime(2025, 1, 31))  # noqa: DTZ001
    assert rules.checkpoint_at("o", 1, ROOT_8, at=datetime(2025, 1, 1, tzinfo=UTC)).timestamp


@pytest.mark.parametrize(
    "body",
    [
        "sunshine/jcdy\n8\n",
        "sunshine/jcdy\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "sunshine/jcdy\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "sunshine/jcdy\n8\nnot-base64\n",
        "sunshine/jcdy\n8\nAAAA\n",
        "sunshine/jcdy\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nyesterday\n",
        "sunshine/jcdy\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
    ],
)
def test_a_malformed_checkpoint_is_refused(body: str) -> None:
    with pytest.raises(Invalid):
        rules.parse_checkpoint(body)


def test_a_signed_checkpoint_reads_back_and_verifies(platform: rules.Signer) -> None:
    signed = rules.sign(_checkpoint(), platform)
    text = signed.text()
    assert text.startswith(_checkpoint().body() + "\n\u2014 sunshine/jcdy ")
    parsed = rules.parse_signed_checkpoint(text)
    assert parsed == signed
    assert parsed.signed_by(platform.public)


def test_a_tampered_body_or_signature_is_refused(platform: rules.Signer) -> None:
    text = rules.sign(_checkpoint(), platform).text()
    bigger = rules.parse_signed_checkpoint(text.replace("\n8\n", "\n9\n", 1))
    assert not bigger.signed_by(platform.public)
    signed = rules.parse_signed_checkpoint(text)
    sig = signed.signatures[0]
    broken = rules.NoteSignature(
        sig.key_name, sig.key_id, bytes([sig.signature[0] ^ 1]) + sig.signature[1:]
    )
    assert not rules.SignedCheckpoint(signed.checkpoint, (broken,)).signed_by(platform.public)


def test_a_committee_member_cosigns_the_same_body(
    platform: rules.Signer, committee: rules.Signer
) -> None:
    signed = rules.sign(_checkpoint(), platform)
    # The member signs offline from the body alone, and the line is added to the note.
    line = rules.signature_over(signed.checkpoint, committee).line()
    both = rules.parse_signed_checkpoint(signed.text() + line + "\n")
    assert both == rules.cosign(signed, committee)
    assert both.signed_by(platform.public)
    assert both.signed_by(committee.public)
    assert rules.cosign(both, committee) == both  # signing twice keeps one line per key


def test_a_checkpoint_signed_by_another_key_is_refused(platform: rules.Signer) -> None:
    impostor = rules.Signer("sunshine/jcdy", bytes(range(100, 132)))
    signed = rules.sign(_checkpoint(), impostor)
    assert not signed.signed_by(platform.public)
    assert impostor.public.fingerprint != platform.public.fingerprint


def test_a_plain_body_reads_as_an_unsigned_checkpoint() -> None:
    assert rules.parse_signed_checkpoint(_checkpoint().body()).signatures == ()
    with pytest.raises(Invalid, match="signature line"):
        rules.parse_signed_checkpoint(_checkpoint().body() + "\n- sunshine/jcdy AAAA\n")
