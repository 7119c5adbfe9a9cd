"""Pure rules of the log, one module per concern. Nothing is re-exported here, on purpose.

- records: what goes into a log record, and how checkpoints are written and signed
- verifier: the offline verifier of an exported bundle. It imports nothing of ours but
  `sunshine.kernel` (its own import-linter contract) and reads the signed-note format with
  its own few lines, so it is an independent reader of what `records` writes. This package
  stays empty so that importing the verifier loads no other module of ours.

Callers write `from sunshine.transparency.rules import records as rules`.
"""
