"""The per-community append-only Merkle log (RFC 9162), signed checkpoints, proofs, the verifier."""
