"""Tables of bank reconciliation.

A community's bank accounts, their statement lines, the staff's matching steps and the
reconciliations appended to the public log.
"""

from __future__ import annotations

from sunshine.banking.models.statements import BankAccount
from sunshine.banking.models.statements import BankLine
from sunshine.banking.models.statements import MatchStep
from sunshine.banking.models.statements import Reconciliation

__all__ = ["BankAccount", "BankLine", "MatchStep", "Reconciliation"]
