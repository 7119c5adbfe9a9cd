"""The per-community transparency log, which any owner can check for themselves.

An append-only RFC 9162 Merkle tree of canonical records, checkpoints signed by the
platform and co-signed by committee members, inclusion and consistency proofs, and the
offline verifier an owner runs on an exported bundle.

`rules/records` holds the record and checkpoint formats and signing (pure);
`rules/verifier` checks a bundle with nothing of ours but `sunshine.kernel`; the tree
itself is `kernel.merkle`.
"""
