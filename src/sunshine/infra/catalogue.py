"""Load every part's tables before the first database session of a process.

A foreign key names its table by string ("registry_community.id"), so SQLAlchemy can
flush to or join a table only once every table it refers to is loaded. The CLI imports
a part's modules only when one of its commands runs (`infra.lazy_cli`), so a command
that loads the ledger's models alone failed with NoReferencedTableError. infra may not
import the parts: the root command and the app factory install the catalogue here (as
they install the community lookup, `infra.tenancy`), and `infra.db` loads it before it
makes a session factory. Light on purpose (stdlib only): the root command imports it
before any command runs, and `sunshine ledger import` must fork before SQLAlchemy loads.
"""

from __future__ import annotations

from collections.abc import Callable

_loader: Callable[[], object] | None = None
_loaded = False


def use_catalogue(load: Callable[[], object]) -> None:
    """Install what imports every part's tables (done by the entrypoints at start-up)."""
    global _loader, _loaded
    _loader, _loaded = load, False


def load() -> None:
    """Import every part's tables, once per process; nothing if no catalogue is installed."""
    global _loaded  # noqa: PLW0603
    if _loader is not None and not _loaded:
        _loader()
        _loaded = True
