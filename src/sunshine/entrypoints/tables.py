"""Every part's tables in one metadata, for Alembic and for tests that build a schema."""

from __future__ import annotations

from sunshine.banking import models as banking_models
from sunshine.billing import models as billing_models
from sunshine.billing.models import orders as billing_orders
from sunshine.disclosure.models import budgets as disclosure_budgets
from sunshine.disclosure.models import notices as disclosure_notices
from sunshine.governance import models as governance_models
from sunshine.identity import models as identity_models
from sunshine.infra.db import Base
from sunshine.ledger import models as ledger_models
from sunshine.registry import models as registry_models
from sunshine.transparency import models as transparency_models

PARTS = (
    identity_models,
    registry_models,
    transparency_models,
    ledger_models,
    disclosure_notices,
    disclosure_budgets,
    banking_models,
    billing_models,
    billing_orders,
    governance_models,
)
metadata = Base.metadata
