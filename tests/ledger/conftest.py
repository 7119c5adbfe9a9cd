"""Shared fixtures of the ledger's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sunshine.governance.service import spending
from sunshine.infra import spending_gate


@pytest.fixture
def without_spending_gate() -> Iterator[None]:
    """Books at a schema older than governance's spending limits, which the gate reads.

    A migration test books entries at the revision it upgrades from; the spending gate
    (installed for every test, as the entrypoints install it) would ask for a table that
    revision does not have yet.
    """
    spending_gate.use_gate(None)
    try:
        yield
    finally:
        spending_gate.use_gate(spending.gate)
