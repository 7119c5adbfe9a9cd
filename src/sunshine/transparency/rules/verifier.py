r"""The offline verifier: check an exported bundle against the keys an owner trusts.

It imports nothing of ours but `sunshine.kernel` (plus the stdlib and PyNaCl), so an
owner can read it in one sitting and run it with no database and no server. It reads
the signed-note format with its own few lines rather than `transparency.rules`, on
purpose: an independent reader catches a bug in the writer (tests check they agree).

Bundle JSON, version 1 (hashes are standard base64 of 32 bytes):

    {
      "version": 1,
      "origin": "sunshine/jcdy",
      "checkpoint": "<signed note: body, blank line, '— name base64' lines>",
      "public_keys": ["sunshine/jcdy+1a2b3c4d+AQ…"],      optional, convenience only
      "records": [                                       ascending index, may be empty
        {"index": 0,
         "record": "{\"amount_fen\":2358,…}",            the canonical record as text,
         "record_base64": "eyJh…",                         or its bytes (exactly one of two)
         "leaf_hash": "base64",                            optional; checked if present
         "proof": ["base64", …]}                           inclusion proof (RFC 9162 2.1.3)
      ],
      "consistency": [                                   optional
        {"from_size": 1000, "from_root": "base64", "proof": ["base64", …]}
      ]
    }

A record's "proof" may be left out only when the bundle holds every record 0..size-1:
then the root itself is recomputed from them. "from_root" is optional; the owner's saved
checkpoint supplies the root that matters.

Checks, each reported with a plain-language reason (`Report`):
  1. the checkpoint parses and names the bundle's origin (and the saved checkpoint's);
  2. it carries a valid Ed25519 signature by every key the owner gave (`--key`). Keys
     that come inside the bundle prove nothing (whoever forged the bundle made them too),
     so with no key given the bundle fails as NOT authenticated, unless the owner asks
     for a structure-only check (`--structure-only`): then the carried keys' signatures
     are checked for form, and the report says plainly that authenticity was not;
  3. each record hashes to its leaf (leaf = SHA-256(0x00 || record)) and its inclusion
     proof leads to the checkpoint's root;
  4. a complete record list recomputes the root;
  5. the owner's saved checkpoint (size m, root) is a prefix of this one: its consistency
     proof holds (or the complete records give the same root at size m), so a history
     that was rewritten or forked since the owner saved it is caught;
  6. something was checked against the checkpoint: a bundle with no records and no saved
     checkpoint to compare proves nothing about the log, and is not a pass.

A trustee's handover archive (a ZIP, `disclosure.service.exports`) is accepted too: its
`bundle.json` must carry the whole log and is checked as above; every file under
`vouchers/` must hash to its name, every file hash a record names ("sha256",
"…_sha256", "vouchers") must be among them, each `notices/*.json` must be byte for
byte a logged record, and no name may appear twice. Sizes are checked before inflating.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import io
import itertools
import json
import sys
import zipfile
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from sunshine.kernel import merkle
from sunshine.kernel.errors import Invalid

VERSION = 1
ARCHIVE_BUNDLE = "bundle.json"
ARCHIVE_VOUCHERS = "vouchers/"
ARCHIVE_NOTICES = "notices/"
ARCHIVE_MAX_FILES = 5_000_000
ARCHIVE_MAX_FILE = 256 * 2**20  # a voucher or a notice
ARCHIVE_MAX_BUNDLE = 16 * 2**30  # the whole log of a very long history
DASH = "\u2014 "


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    reason: str


@dataclass(slots=True)
class Report:
    """Every check made, in order; `notes` are things for the owner to compare by eye."""

    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # True once a key the owner gave has checked the checkpoint's signature: without
    # one, a passing report says only that the bundle is well-formed (structure-only).
    authenticated: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def verdict(self) -> str:
        """The last line printed: what an owner may conclude from this report."""
        if not self.ok:
            return "Verification FAILED."
        if not self.authenticated:
            return (
                "The bundle is well-formed, but its authenticity was NOT checked: "
                "no key you trust was given (--key)."
            )
        return "All checks passed."

    def check(self, name: str, ok: bool, passed: str, failed: str) -> None:
        self.checks.append(Check(name, ok, passed if ok else failed))

    def passed(self, name: str, reason: str) -> None:
        self.checks.append(Check(name, ok=True, reason=reason))

    def fail(self, name: str, reason: str) -> None:
        self.checks.append(Check(name, ok=False, reason=reason))


# --- The note format, read independently of transparency.rules ----------------------


@dataclass(frozen=True, slots=True)
class Note:
    body: str
    origin: str
    size: int
    root: bytes
    timestamp: str | None
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key id, signature)


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    key: bytes

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n\x01" + self.key).digest()[:4]

    @property
    def fingerprint(self) -> str:
        digits = hashlib.sha256(self.key).hexdigest()[:16]
        return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def _b64(text: object, what: str, size: int | None = merkle.HASH_SIZE) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
    except binascii.Error:
        raw = None
    if raw is None or (size is not None and len(raw) != size):
        raise Invalid("{what} is not valid base64 of the right length", args={"what": what})
    return raw


def parse_key(text: str) -> Key:
    """Read "name+keyid+base64(0x01 || key)", as printed on the notice board."""
    parts = text.strip().split("+", 2)  # names have no "+", but base64 may
    if len(parts) != 3:
        raise Invalid("a key reads name+keyid+base64: {text!r}", args={"text": text})
    raw = _b64(parts[2], "the key", 33)
    key = Key(parts[0], raw[1:])
    if raw[0] != 1 or key.key_id.hex() != parts[1].lower():
        raise Invalid("the key {name} is mistyped: its id does not match", args={"name": parts[0]})
    return key


def parse_note(text: str) -> Note:
    """Read a checkpoint note: origin, size, base64 root, optional time; then signatures."""
    body, _, block = text.replace("\r\n", "\n").partition("\n\n")
    lines = body.rstrip("\n").split("\n")
    if len(lines) not in (3, 4) or not lines[1].isdigit():
        raise Invalid("the checkpoint does not read: origin, size, root (and time)")
    signatures = []
    for line in filter(None, block.split("\n")):
        if not line.startswith(DASH):
            raise Invalid(
                "a signature line must start with an em dash: {line!r}", args={"line": line}
            )
        name, _, encoded = line.removeprefix(DASH).partition(" ")
        raw = _b64(encoded, f"the signature by {name}", 68)
        signatures.append((name, raw[:4], raw[4:]))
    root = _b64(lines[2], "the checkpoint's root")
    timestamp = lines[3] if len(lines) == 4 else None
    return Note(
        "\n".join(lines) + "\n", lines[0], int(lines[1]), root, timestamp, tuple(signatures)
    )


def signed_by(note: Note, key: Key) -> bool:
    for name, key_id, signature in note.signatures:
        if (name, key_id) == (key.name, key.key_id):
            try:
                VerifyKey(key.key).verify(note.body.encode(), signature)
            except BadSignatureError:
                continue
            return True
    return False


# --- Reading a bundle ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BundleRecord:
    index: int
    data: bytes
    proof: tuple[bytes, ...] | None = None
    leaf_hash: bytes | None = None


@dataclass(frozen=True, slots=True)
class BundleConsistency:
    from_size: int
    proof: tuple[bytes, ...]
    from_root: bytes | None = None


def _int(value: object, what: str) -> int:
    if type(value) is not int or value < 0:
        raise Invalid("{what} is not a whole number", args={"what": what})
    return value


def _hashes(value: object, what: str) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise Invalid("{what} is not a list of hashes", args={"what": what})
    return tuple(_b64(h, what) for h in value)


def _record(item: object) -> BundleRecord:
    if not isinstance(item, Mapping):
        raise Invalid("a record entry is not a JSON object")
    index = _int(item.get("index"), "a record's index")
    what = f"record {index}"
    if ("record" in item) == ("record_base64" in item):
        raise Invalid("{what} needs exactly one of record, record_base64", args={"what": what})
    text = item.get("record")
    data = text.encode() if isinstance(text, str) else _b64(item.get("record_base64"), what, None)
    proof = _hashes(item["proof"], f"{what}'s proof") if "proof" in item else None
    leaf = _b64(item["leaf_hash"], f"{what}'s leaf hash") if "leaf_hash" in item else None
    return BundleRecord(index, data, proof, leaf)


def _consistency(item: object) -> BundleConsistency:
    if not isinstance(item, Mapping):
        raise Invalid("a consistency entry is not a JSON object")
    size = _int(item.get("from_size"), "a consistency proof's from_size")
    root = _b64(item["from_root"], "from_root") if "from_root" in item else None
    return BundleConsistency(size, _hashes(item.get("proof"), "a consistency proof"), root)


def _list(bundle: Mapping[str, object], key: str) -> list[object]:
    value = bundle.get(key, [])
    if not isinstance(value, list):
        raise Invalid("the bundle's {key} is not a list", args={"key": key})
    return value


def load_bundle(source: str | bytes | Mapping[str, object]) -> Mapping[str, object]:
    try:
        bundle = json.loads(source) if isinstance(source, str | bytes) else source
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Invalid("the bundle is not JSON: {error}", args={"error": str(error)}) from error
    if not isinstance(bundle, Mapping) or bundle.get("version") != VERSION:
        raise Invalid("not a version {v} Sunshine bundle", args={"v": VERSION})
    if not isinstance(bundle.get("checkpoint"), str) or not isinstance(bundle.get("origin"), str):
        raise Invalid("the bundle has no origin or checkpoint text")
    return bundle


def bundle_from_parts(
    *,
    origin: str,
    checkpoint: str,
    records: Sequence[BundleRecord] = (),
    consistency: Sequence[BundleConsistency] = (),
    public_keys: Sequence[str] = (),
) -> dict[str, object]:
    """The bundle JSON (as a dict) for these parts; `json.dumps` it to export."""

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    def record(r: BundleRecord) -> dict[str, object]:
        try:
            entry: dict[str, object] = {"index": r.index, "record": r.data.decode()}
        except UnicodeDecodeError:
            entry = {"index": r.index, "record_base64": b64(r.data)}
        entry["leaf_hash"] = b64(r.leaf_hash or merkle.leaf_hash(r.data))
        if r.proof is not None:
            entry["proof"] = [b64(h) for h in r.proof]
        return entry

    def step(c: BundleConsistency) -> dict[str, object]:
        entry: dict[str, object] = {"from_size": c.from_size, "proof": [b64(h) for h in c.proof]}
        if c.from_root is not None:
            entry["from_root"] = b64(c.from_root)
        return entry

    bundle: dict[str, object] = {"version": VERSION, "origin": origin, "checkpoint": checkpoint}
    if public_keys:
        bundle["public_keys"] = list(public_keys)
    bundle["records"] = [record(r) for r in records]
    if consistency:
        bundle["consistency"] = [step(c) for c in consistency]
    return bundle


# --- The checks ----------------------------------------------------------------------


def _check_origin(report: Report, note: Note, origins: Mapping[str, str]) -> None:
    wrong = "; ".join(
        f"{who} names {name!r}" for who, name in origins.items() if name != note.origin
    )
    said = f"the checkpoint is for {note.origin!r}"
    report.check("origin", not wrong, said, f"{said}, but {wrong}")


def _check_signatures(
    report: Report,
    note: Note,
    trusted: Sequence[Key],
    carried: Sequence[Key],
    *,
    structure_only: bool,
) -> None:
    signers = ", ".join(name for name, _, _ in note.signatures) or "nobody"
    for key in trusted:
        who = f"{key.name} (fingerprint {key.fingerprint})"
        report.check(
            f"signature {key.name}",
            signed_by(note, key),
            f"signed by {who}, a key you gave",
            f"no valid signature by {who}; the checkpoint is signed by: {signers}",
        )
    if trusted:
        report.authenticated = all(signed_by(note, key) for key in trusted)
        return
    if not structure_only:
        report.fail(
            "authenticity",
            "NOT checked: no --key was given. Keys inside the bundle prove nothing, since "
            "whoever made a forged bundle made its keys too. Give --key as printed on the "
            "notice board, or ask for --structure-only to check only the bundle's form",
        )
    # Without a key the owner trusts, the carried keys can only show the note is well-formed:
    # each signature line by one of them must verify; a key that did not sign (a committee
    # member who has not co-signed this checkpoint) is noted, not failed.
    lines = {(name, key_id) for name, key_id, _ in note.signatures}
    checked = 0
    for key in carried:
        who = f"{key.name}, a key the bundle carries (fingerprint {key.fingerprint})"
        if (key.name, key.key_id) not in lines:
            report.notes.append(
                f"{key.name}, a key the bundle carries, did not sign this checkpoint."
            )
            continue
        checked += 1
        report.check(
            f"signature {key.name}",
            signed_by(note, key),
            f"signed by {who}",
            f"the signature by {who} does NOT verify",
        )
        report.notes.append(
            f"No --key was given: compare {key.name}'s fingerprint {key.fingerprint} with the "
            "one printed on the notice board and the community's page."
        )
    if not checked and structure_only:
        report.notes.append("No key the bundle carries signed it: no signature was checked.")


def _check_records(report: Report, note: Note, records: Sequence[BundleRecord]) -> list[bytes]:
    """Check each record's leaf and inclusion proof; return the leaf hashes."""
    leaves = [merkle.leaf_hash(r.data) for r in records]
    for r, leaf in zip(records, leaves, strict=True):
        name = f"record {r.index}"
        if r.leaf_hash not in (None, leaf):
            report.fail(name, "the record does not hash to the leaf hash given with it")
        elif r.proof is None:
            if len(records) != note.size:  # a whole log is checked by its root instead
                report.fail(name, "no inclusion proof, and the bundle is not the whole log")
        else:
            try:
                merkle.check_inclusion(r.index, note.size, leaf, r.proof, note.root)
            except Invalid as error:
                report.fail(name, f"not in the signed log: {error.message}")
            else:
                report.passed(name, f"included in the signed log at position {r.index}")
    return leaves


def _check_saved(
    report: Report,
    note: Note,
    saved: Note,
    steps: Sequence[BundleConsistency],
    leaves: Sequence[bytes] | None,
) -> None:
    m, n = saved.size, note.size
    name = f"history since your checkpoint of {m}"
    if m > n:
        report.fail(name, f"the log now holds {n} records, fewer than the {m} you saved: cut")
    elif leaves is not None:
        report.check(
            name,
            merkle.root_of(leaves[:m]) == saved.root,
            f"the first {m} records give your saved root",
            f"the first {m} records no longer give your saved root: history was rewritten",
        )
    elif m not in (0, n) and not any(s.from_size == m for s in steps):
        report.fail(name, f"the bundle has no consistency proof from size {m}; ask for one")
    else:
        proof = next((s.proof for s in steps if s.from_size == m), ())
        try:
            merkle.check_consistency(m, n, proof, saved.root, note.root)
        except Invalid as error:
            report.fail(
                name, f"the log was rewritten or forked since you saved it: {error.message}"
            )
        else:
            report.passed(name, f"the log of {n} records extends your saved log of {m} unchanged")


def _check_carried_steps(report: Report, note: Note, steps: Sequence[BundleConsistency]) -> None:
    for s in steps:
        if s.from_root is not None:
            ok = merkle.verify_consistency(s.from_size, note.size, s.proof, s.from_root, note.root)
            earlier = f"the earlier checkpoint of {s.from_size} records, root {_text(s.from_root)}"
            report.check(
                f"consistency from {s.from_size}",
                ok,
                f"extends {earlier}",
                f"does NOT extend {earlier}",
            )


def _text(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _parse_saved(text: str | None) -> Note | None:
    if text is None:
        return None
    try:
        return parse_note(text)
    except Invalid as error:
        raise Invalid(
            "your saved checkpoint does not read: {why}", args={"why": error.message}
        ) from error


@dataclass
class Archive:
    """What a handover archive holds besides its bundle: files by name, hashed as read."""

    voucher_hashes: dict[str, str] = field(default_factory=dict)  # file name -> its SHA-256
    notices: dict[str, bytes] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


def _unpack_archive(raw: bytes) -> tuple[bytes, Archive]:
    """A handover archive's bundle, with its voucher files hashed and its notices read.

    Sizes are checked from the directory before anything is inflated, so a small file
    that would inflate to gigabytes is refused; vouchers are hashed in pieces.
    """
    found = Archive()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > ARCHIVE_MAX_FILES:
                raise Invalid(
                    "the archive holds more than {n} files", args={"n": ARCHIVE_MAX_FILES}
                )
            seen: set[str] = set()
            for info in infos:
                limit = ARCHIVE_MAX_BUNDLE if info.filename == ARCHIVE_BUNDLE else ARCHIVE_MAX_FILE
                if info.file_size > limit:
                    raise Invalid(
                        "{name} in the archive is too large", args={"name": info.filename}
                    )
                if info.filename in seen:
                    found.duplicates.append(info.filename)
                seen.add(info.filename)
            bundle = archive.read(ARCHIVE_BUNDLE)
            for info in infos:
                name = info.filename
                if name.startswith(ARCHIVE_VOUCHERS) and not name.endswith("/"):
                    digest = hashlib.sha256()
                    with archive.open(info) as member:
                        for piece in iter(lambda: member.read(1 << 20), b""):
                            digest.update(piece)
                    found.voucher_hashes[name.removeprefix(ARCHIVE_VOUCHERS)] = digest.hexdigest()
                elif name.startswith(ARCHIVE_NOTICES) and name.endswith(".json"):
                    found.notices[name] = archive.read(info)
    except (zipfile.BadZipFile, KeyError) as error:
        raise Invalid("the archive does not read: {error}", args={"error": str(error)}) from error
    return bundle, found


def _logged_files(records: Sequence[BundleRecord]) -> set[str]:
    """Every file hash the records name: keys "sha256" and "…_sha256", and "vouchers" lists."""
    named: set[str] = set()
    for record in records:
        try:
            body = json.loads(record.data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(body, dict):
            continue
        for key, value in body.items():
            if (key == "sha256" or key.endswith("_sha256")) and isinstance(value, str):
                named.add(value)
        if isinstance(body.get("vouchers"), list):
            named.update(v for v in body["vouchers"] if isinstance(v, str))
    return named


def _check_archive(report: Report, archive: Archive, records: Sequence[BundleRecord]) -> None:
    """Files against the log: every voucher it names is there, intact; notices are as logged."""
    report.check(
        "archive files",
        not archive.duplicates,
        "every file name appears once",
        f"file names appear twice: {', '.join(archive.duplicates[:5])}",
    )
    wrong = sorted(n for n, digest in archive.voucher_hashes.items() if digest != n)
    missing = sorted(_logged_files(records) - set(archive.voucher_hashes))
    report.check(
        "voucher files",
        not wrong and not missing,
        f"all {len(archive.voucher_hashes)} voucher files match their SHA-256, and every "
        "voucher the log names is there",
        f"{len(wrong)} voucher files do not match their SHA-256 ({', '.join(wrong[:3])}); "
        f"{len(missing)} vouchers the log names are missing ({', '.join(missing[:3])})",
    )
    logged = {record.data for record in records}
    changed = sorted(name for name, body in archive.notices.items() if body not in logged)
    report.check(
        "notices",
        not changed,
        f"all {len(archive.notices)} notices are exactly as logged",
        f"notices that differ from the log: {', '.join(changed[:5])}",
    )
    extra = len(set(archive.voucher_hashes) - _logged_files(records))
    if extra:
        report.notes.append(f"{extra} voucher files are not named in the log (uploaded, unused)")
    report.notes.append(
        "the CSV files are a readable copy of the books and are not checked here; "
        "what the signature covers is bundle.json's records"
    )


def verify_bundle(
    source: str | bytes | Mapping[str, object],
    *,
    trusted_keys: Sequence[str] = (),
    saved_checkpoint: str | None = None,
    expected_origin: str | None = None,
    structure_only: bool = False,
) -> Report:
    """Check a bundle (or a handover archive); bad input becomes a failed check, never raises.

    With no `trusted_keys` the report fails (authenticity was not checked) unless
    `structure_only` asks only whether the bundle is well-formed and consistent.
    """
    report = Report()
    try:
        archive = None
        if isinstance(source, bytes) and source.startswith(b"PK\x03\x04"):
            source, archive = _unpack_archive(source)
        bundle = load_bundle(source)
        note = parse_note(str(bundle["checkpoint"]))
        saved = _parse_saved(saved_checkpoint)
        trusted = [parse_key(k) for k in trusted_keys]
        carried = [parse_key(str(k)) for k in _list(bundle, "public_keys")]
        records = [_record(r) for r in _list(bundle, "records")]
        steps = [_consistency(c) for c in _list(bundle, "consistency")]
    except Invalid as error:
        report.fail("bundle", error.message)
        return report
    when = f", made {note.timestamp}" if note.timestamp else ""
    report.passed(
        "checkpoint", f"{note.origin}: {note.size} records, root {_text(note.root)}{when}"
    )
    origins = {"the bundle": str(bundle["origin"])}
    origins |= {"your saved checkpoint": saved.origin} if saved else {}
    origins |= {"you": expected_origin} if expected_origin else {}
    _check_origin(report, note, origins)
    _check_signatures(report, note, trusted, carried, structure_only=structure_only)
    indices = [r.index for r in records]
    if any(a >= b for a, b in itertools.pairwise(indices)):
        report.fail("record order", "records must be listed once each, in log order")
        return report
    leaves = _check_records(report, note, records)
    full = indices == list(range(note.size))
    if full:
        report.check(
            "whole log",
            merkle.root_of(leaves) == note.root,
            f"all {note.size} records recompute the signed root",
            f"the {note.size} records do not recompute the signed root: one was "
            "changed, removed, added or moved",
        )
    if archive is not None:
        if not full:
            report.fail("archive", "a handover archive must carry the whole log")
        _check_archive(report, archive, records)
    if saved is not None:
        _check_saved(report, note, saved, steps, leaves if full else None)
    elif not records:
        report.fail(
            "records",
            "the bundle holds no records and you gave no saved checkpoint (--saved): nothing "
            "in the log was checked, so this is not a pass",
        )
    _check_carried_steps(report, note, steps)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """`sunshine verify BUNDLE [--key KEY]… [--saved FILE] [--structure-only]`: 0 or 1.

    0 only if every check holds, which without --key needs --structure-only.
    """
    parser = argparse.ArgumentParser(prog="sunshine verify", description=__doc__.split("\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--key", action="append", default=[], help="name+keyid+base64, or a file")
    parser.add_argument("--saved", type=Path, help="a checkpoint you saved earlier")
    parser.add_argument("--origin", help="the log you expect, e.g. sunshine/jcdy")
    parser.add_argument(
        "--structure-only",
        action="store_true",
        help="without --key: check only the bundle's form, not who signed it",
    )
    args = parser.parse_args(argv)
    try:
        source = args.bundle.read_bytes()
        keys = [Path(k).read_text() if Path(k).is_file() else k for k in args.key]
        saved = args.saved.read_text(encoding="utf-8") if args.saved else None
    except OSError as error:
        sys.stderr.write(f"cannot read {error.filename}: {error.strerror}\n")
        return 2
    report = verify_bundle(
        source,
        trusted_keys=keys,
        saved_checkpoint=saved,
        expected_origin=args.origin,
        structure_only=args.structure_only,
    )
    for check in report.checks:
        sys.stdout.write(f"{'OK    ' if check.ok else 'FAILED'}  {check.name}: {check.reason}\n")
    for note in report.notes:
        sys.stdout.write(f"NOTE    {note}\n")
    sys.stdout.write(report.verdict + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":  # an owner can run it without the rest of the CLI
    sys.exit(main())
