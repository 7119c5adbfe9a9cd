"""Use cases of the transparency log; the public API is re-exported here.

Callers write `from sunshine.transparency import service as transparency`.

- log: append records, keep subtree hashes, sign and co-sign checkpoints, prove, bundle
- records: the records read in bulk for other parts (record_rows, record_bodies,
  logged_communities, refresh_statistics), so that they never query the log's tables
- audit: the audit of the log and of every row its records stand for, with the registry
  of the parts' checks (register, registered_checks); audit_report: what it hands back
"""

from __future__ import annotations

from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import RowSide
from sunshine.transparency.service.audit import audit
from sunshine.transparency.service.audit import audited_communities
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit import registered_checks
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import Finding
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.keys import KEY_ADDED
from sunshine.transparency.service.keys import KEY_CONFIRMED
from sunshine.transparency.service.keys import KEY_RETIRED
from sunshine.transparency.service.keys import checkpoint_body
from sunshine.transparency.service.keys import committee_key
from sunshine.transparency.service.keys import committee_keys
from sunshine.transparency.service.keys import confirm_key
from sunshine.transparency.service.keys import cosign_as_member
from sunshine.transparency.service.keys import cosigners
from sunshine.transparency.service.keys import register_committee_key
from sunshine.transparency.service.keys import register_device_key
from sunshine.transparency.service.keys import retire_key
from sunshine.transparency.service.log import COMMITTEE
from sunshine.transparency.service.log import PLATFORM
from sunshine.transparency.service.log import STORED_FROM
from sunshine.transparency.service.log import Entry
from sunshine.transparency.service.log import Grown
from sunshine.transparency.service.log import add_cosignature
from sunshine.transparency.service.log import append
from sunshine.transparency.service.log import append_hashed
from sunshine.transparency.service.log import append_many
from sunshine.transparency.service.log import append_numbered
from sunshine.transparency.service.log import build_bundle
from sunshine.transparency.service.log import consistency_proof
from sunshine.transparency.service.log import cosign_checkpoint
from sunshine.transparency.service.log import fetch_nodes
from sunshine.transparency.service.log import find_record
from sunshine.transparency.service.log import frontier
from sunshine.transparency.service.log import get_checkpoint
from sunshine.transparency.service.log import get_record
from sunshine.transparency.service.log import has_platform_key
from sunshine.transparency.service.log import inclusion_proof
from sunshine.transparency.service.log import iter_record_rows
from sunshine.transparency.service.log import iter_records
from sunshine.transparency.service.log import latest_checkpoint
from sunshine.transparency.service.log import list_checkpoints
from sunshine.transparency.service.log import lock_log
from sunshine.transparency.service.log import platform_signer
from sunshine.transparency.service.log import public_keys
from sunshine.transparency.service.log import record_seqs
from sunshine.transparency.service.log import root
from sunshine.transparency.service.log import sign_checkpoint
from sunshine.transparency.service.log import sign_if_behind
from sunshine.transparency.service.log import signed_note
from sunshine.transparency.service.log import tree_size
from sunshine.transparency.service.records import RecordRow
from sunshine.transparency.service.records import logged_communities
from sunshine.transparency.service.records import record_bodies
from sunshine.transparency.service.records import record_rows
from sunshine.transparency.service.records import refresh_statistics

__all__ = [
    "COMMITTEE",
    "KEY_ADDED",
    "KEY_CONFIRMED",
    "KEY_RETIRED",
    "PLATFORM",
    "STORED_FROM",
    "AuditCheck",
    "AuditReport",
    "Entry",
    "Finding",
    "FindingKind",
    "Grown",
    "RecordRow",
    "RowSide",
    "add_cosignature",
    "append",
    "append_hashed",
    "append_many",
    "append_numbered",
    "audit",
    "audited_communities",
    "build_bundle",
    "checkpoint_body",
    "committee_key",
    "committee_keys",
    "confirm_key",
    "consistency_proof",
    "cosign_as_member",
    "cosign_checkpoint",
    "cosigners",
    "fetch_nodes",
    "find_record",
    "frontier",
    "get_checkpoint",
    "get_record",
    "has_platform_key",
    "inclusion_proof",
    "iter_record_rows",
    "iter_records",
    "latest_checkpoint",
    "list_checkpoints",
    "lock_log",
    "logged_communities",
    "platform_signer",
    "public_keys",
    "record_bodies",
    "record_rows",
    "record_seqs",
    "refresh_statistics",
    "register",
    "register_committee_key",
    "register_device_key",
    "registered_checks",
    "retire_key",
    "root",
    "sign_checkpoint",
    "sign_if_behind",
    "signed_note",
    "tree_size",
]
