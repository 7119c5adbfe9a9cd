r"""What goes into a community's log, and how its checkpoints are written and signed.

Records. A log record is a JSON object in canonical form: keys sorted, no whitespace,
UTF-8 with Chinese kept as is (ensure_ascii=False), integers only (money is whole fen,
so a float is always a bug), no NaN. The leaf is merkle.leaf_hash(canonical(record)).
LAW.md 3: the log can never be erased, so a record must hold no raw personal data;
`keyed_hash` gives a stable, unguessable stand-in (HMAC-SHA256 under a per-community
secret) and kernel/masking gives the masked forms.

Checkpoints are signed notes in the transparency-dev / Go sumdb "note" format, so
standard tools can read them:

    sunshine/jcdy                                   origin: the log's name
    1234                                            tree size, decimal
    nP3wW7v1…base64 of the 32-byte root…=           root hash, standard base64
    2025-01-31T12:00:00Z                            optional: time, ISO 8601 UTC
                                                    (blank line ends the body)
    — sunshine/jcdy Ab3d…base64(key id || signature)…
    — jcdy-committee-li X9a1…

The body is every line up to and including the newline before the blank line; each
signature line is an em dash (U+2014), a space, the key name, a space and
base64(key_id || Ed25519(body)), where

    key_id      = SHA-256(name || "\n" || 0x01 || public_key)[:4]   (note format; 0x01 = Ed25519)
    fingerprint = first 16 hex digits of SHA-256(public_key), as "ab12 cd34 ef56 7890"

A co-signature is just another signature line over the same body, by a committee
member's key. Key names are the note format's: no spaces and no "+".

Key text (also the note format's, so `--key` takes what Go's note tools print):

    public:  name+<key id, 8 hex>+base64(0x01 || public_key)        printed on the notice board
    private: PRIVATE+KEY+name+<key id, 8 hex>+base64(0x01 || seed)  a file of mode 0600

The offline verifier reads this format with its own code (it may import only kernel);
tests check that the two agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Self

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey
from nacl.signing import VerifyKey

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem

ED25519 = b"\x01"
DASH = "\u2014 "
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_MIN_SECRET = 16  # bytes: a shorter secret lets anyone list every phone number's hash

# --- Records -------------------------------------------------------------------------

_KIND = re.compile(r"[a-z]+\.[a-z][a-z_]*")


class LogKind(str):
    """The kind of a log record, "<part>.<what>" ("ledger.entry"): the part that appends it.

    Declared once, at module level, by the part that appends such records: `append`
    takes nothing else, and a test finds every declaration and fails for a kind that no
    audit check re-derives (`service.audit`). It is the text stored in the record's row.
    """

    __slots__ = ()

    def __new__(cls, name: str) -> Self:
        if not _KIND.fullmatch(name):
            raise ValueError(f"a log kind reads <part>.<what>, e.g. ledger.entry: {name!r}")
        return super().__new__(cls, name)

    @property
    def part(self) -> str:
        """The part that appends records of this kind ("ledger")."""
        return self.split(".", 1)[0]


def _problems_in(value: object, where: str, problems: list[Problem]) -> None:
    if isinstance(value, float):  # NaN and inf are floats too
        problems.append(
            Problem(
                "float",
                "{where} is a float; money and counts are whole numbers",
                {"where": where},
                where,
            )
        )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(
                    Problem("key", "{where} has a key that is not text", {"where": where}, where)
                )
            _problems_in(item, f"{where}.{key}" if where else str(key), problems)
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _problems_in(item, f"{where}[{position}]", problems)
    elif not isinstance(value, str | int | None):  # bool is an int
        kind = type(value).__name__
        problems.append(
            Problem("type", "{where} is a {kind}, not JSON", {"where": where, "kind": kind}, where)
        )


def problems_with_record(record: Mapping[str, object]) -> list[Problem]:
    """Every reason `record` cannot be written to the log. Empty means it can."""
    problems: list[Problem] = []
    _problems_in(record, "", problems)
    return problems


def _is_plain(value: object) -> bool:
    """Whether `value` is JSON made of text, whole numbers, booleans and nulls (a quick walk)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is list or kind is tuple:
        return all(map(_is_plain, value))  # type: ignore[call-overload]
    if kind is dict:
        return all(type(key) is str for key in value) and all(  # type: ignore[attr-defined]
            map(_is_plain, value.values())  # type: ignore[attr-defined]
        )
    return False


def canonical(record: Mapping[str, object]) -> bytes:
    """The one byte string that stands for `record` in the log.

    A quick walk admits the plain records nearly every caller writes; anything else
    (a float, a Decimal, a set, a key that is not text, a Mapping that is not a dict)
    goes through `problems_with_record`, which names every offending place.
    """
    if not _is_plain(record):
        problems = problems_with_record(record)
        if problems:
            raise Invalid("this record cannot go into the log", problems=problems)
    text = json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate from bad input
        raise Invalid("this record holds text that is not valid Unicode") from error


def keyed_hash(secret: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under the community's secret, in hex.

    The value is NFC-normalised first so that the same name typed on two machines hashes
    the same. Without the secret nobody can test guesses (every phone number) against it.
    """
    if len(secret) < _MIN_SECRET:
        raise Invalid("the log's secret must be at least {n} bytes", args={"n": _MIN_SECRET})
    data = unicodedata.normalize("NFC", value).encode("utf-8")
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


# --- Keys ----------------------------------------------------------------------------


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public_key).digest()[:4]


def fingerprint(public_key: bytes) -> str:
    """What people compare by eye: "ab12 cd34 ef56 7890" (SHA-256 of the key, 64 bits)."""
    digits = hashlib.sha256(public_key).hexdigest()[:16]
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise Invalid(
            "a key name must be non-empty, without spaces or '+': {name!r}", args={"name": name}
        )


@dataclass(frozen=True, slots=True)
class PublicKey:
    name: str
    key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.key) != 32:
            raise Invalid("an Ed25519 public key has 32 bytes")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


@dataclass(frozen=True, slots=True)
class Signer:
    """A private key with its name: the platform's for a community, or a committee member's."""

    name: str
    seed: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.seed) != 32:
            raise Invalid("an Ed25519 private key seed has 32 bytes")

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, bytes(SigningKey.generate()))

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.name, bytes(SigningKey(self.seed).verify_key))

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.public.key_id.hex()}+{encoded}"

    def __repr__(self) -> str:  # keep the seed out of logs and tracebacks
        return f"Signer(name={self.name!r})"


def _key_parts(text: str, prefix: str) -> tuple[str, bytes, bytes]:
    parts = text.strip().removeprefix(prefix).split("+", 2)  # base64 may hold a "+" too
    if len(parts) != 3 or not text.strip().startswith(prefix):
        raise Invalid("not a key in the note format: expected name+keyid+base64")
    name, id_hex, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
        expected_id = bytes.fromhex(id_hex)
    except (binascii.Error, ValueError) as error:
        raise Invalid("the key's id or base64 part is garbled") from error
    if len(raw) != 33 or raw[:1] != ED25519:
        raise Invalid("not an Ed25519 key")
    return name, expected_id, raw[1:]


def parse_public_key(text: str) -> PublicKey:
    name, expected_id, key = _key_parts(text, "")
    public = PublicKey(name, key)
    if public.key_id != expected_id:
        raise Invalid("the key id does not match the key: mistyped?")
    return public


def parse_private_key(text: str) -> Signer:
    name, expected_id, seed = _key_parts(text, "PRIVATE+KEY+")
    signer = Signer(name, seed)
    if signer.public.key_id != expected_id:
        raise Invalid("the key id does not match the private key")
    return signer


def write_private_key(path: Path, signer: Signer) -> None:
    """Create `path` readable by its owner only (0600); refuse to overwrite a key."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(signer.text() + "\n")


def read_private_key(path: Path) -> Signer:
    """Read a key file, refusing one that others may read (as ssh does)."""
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise Invalid("{path} may be read by others; run chmod 600 on it", args={"path": str(path)})
    return parse_private_key(path.read_text(encoding="utf-8"))


# --- Checkpoints ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The body of a signed note: which log, how many records, which root, when."""

    origin: str
    tree_size: int
    root_hash: bytes
    timestamp: str | None = None  # ISO 8601 UTC, e.g. "2025-01-31T12:00:00Z"

    def __post_init__(self) -> None:
        if not self.origin or self.origin != self.origin.strip() or "\n" in self.origin:
            raise Invalid(
                "a log's origin is one line of text: {origin!r}", args={"origin": self.origin}
            )
        if self.tree_size < 0 or len(self.root_hash) != 32:
            raise Invalid("a checkpoint needs a size ≥ 0 and a 32-byte root")
        if self.timestamp is not None and not _TIMESTAMP.fullmatch(self.timestamp):
            raise Invalid("a checkpoint's time is written like 2025-01-31T12:00:00Z")

    def body(self) -> str:
        lines = [self.origin, str(self.tree_size), base64.b64encode(self.root_hash).decode()]
        if self.timestamp is not None:
            lines.append(self.timestamp)
        return "\n".join(lines) + "\n"


def checkpoint_at(origin: str, tree_size: int, root_hash: bytes, *, at: datetime) -> Checkpoint:
    """A checkpoint stamped with `at` (an aware datetime), to the second, in UTC."""
    if at.tzinfo is None:
        raise Invalid("a checkpoint's time needs a time zone")
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Checkpoint(origin, tree_size, root_hash, stamp)


def parse_checkpoint(body: str) -> Checkpoint:
    lines = body.split("\n")
    if lines[-1] != "" or not 4 <= len(lines) <= 5:
        raise Invalid("a checkpoint body has 3 or 4 lines, each ending in a newline")
    origin, size, root = lines[:3]
    try:
        root_hash = base64.b64decode(root, validate=True)
    except binascii.Error as error:
        raise Invalid("the checkpoint's root is not base64") from error
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise Invalid("the checkpoint's size is not a whole number")
    timestamp = lines[3] if len(lines) == 5 else None
    return Checkpoint(origin, int(size), root_hash, timestamp)


@dataclass(frozen=True, slots=True)
class NoteSignature:
    key_name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        return f"{DASH}{self.key_name} {base64.b64encode(self.key_id + self.signature).decode()}"


def parse_signature_line(line: str) -> NoteSignature:
    parts = line.removeprefix(DASH).split(" ")
    if not line.startswith(DASH) or len(parts) != 2:
        raise Invalid("a signature line reads '— name base64'")
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except binascii.Error as error:
        raise Invalid("the signature of {name} is not base64", args={"name": parts[0]}) from error
    if len(raw) != 4 + 64:
        raise Invalid("the signature of {name} has the wrong length", args={"name": parts[0]})
    return NoteSignature(parts[0], raw[:4], raw[4:])


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    signatures: tuple[NoteSignature, ...]

    def text(self) -> str:
        return self.checkpoint.body() + "\n" + "".join(s.line() + "\n" for s in self.signatures)

    def signed_by(self, key: PublicKey) -> bool:
        """Whether a signature line under this key's name and id verifies with it."""
        message = self.checkpoint.body().encode("utf-8")
        for sig in self.signatures:
            if sig.key_name == key.name and sig.key_id == key.key_id:
                try:
                    VerifyKey(key.key).verify(message, sig.signature)
                except BadSignatureError:
                    continue
                return True
        return False


def sign(checkpoint: Checkpoint, signer: Signer) -> SignedCheckpoint:
    """The platform's first signature over a new checkpoint."""
    return cosign(SignedCheckpoint(checkpoint, ()), signer)


def signature_over(checkpoint: Checkpoint, signer: Signer) -> NoteSignature:
    """One signature over the checkpoint's body, e.g. made offline by a committee member."""
    signed = SigningKey(signer.seed).sign(checkpoint.body().encode("utf-8")).signature
    return NoteSignature(signer.name, signer.public.key_id, signed)


def cosign(signed: SignedCheckpoint, signer: Signer) -> SignedCheckpoint:
    """Add `signer`'s signature to the same body (replacing an older one by the same key)."""
    public = signer.public
    others = tuple(
        s for s in signed.signatures if (s.key_name, s.key_id) != (public.name, public.key_id)
    )
    return SignedCheckpoint(signed.checkpoint, (*others, signature_over(signed.checkpoint, signer)))


def parse_signed_checkpoint(text: str) -> SignedCheckpoint:
    """Read a signed note back; a plain body (no signatures) is accepted as well."""
    body, blank, signature_block = text.partition("\n\n")
    if not blank:
        return SignedCheckpoint(parse_checkpoint(text), ())
    checkpoint = parse_checkpoint(body + "\n")
    lines = signature_block.split("\n")
    if lines[-1] != "":
        raise Invalid("a signed note ends with a newline")
    return SignedCheckpoint(checkpoint, tuple(parse_signature_line(ln) for ln in lines[:-1]))
