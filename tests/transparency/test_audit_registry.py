"""The audit's coverage is held to the code: no record kind, and no logged table, is left out.

Every module of Sunshine is imported and searched for `LogKind` declarations (the only
thing `transparency.service.append` takes), and every mapped table for its `__audit__`
declaration; both are compared with the checks the parts register. A new part that logs
a kind with no check, or adds a table without saying whether the audit re-derives it,
fails here with a message saying what to do.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import sunshine
from sunshine.infra.db import Base
from sunshine.transparency.rules.records import LogKind
from sunshine.transparency.service import registered_checks
from sunshine.transparency.service.audit import AuditCheck

SRC = Path(sunshine.__file__).parent


@pytest.fixture(scope="module")
def declared_kinds() -> dict[str, str]:
    """Every LogKind declared in Sunshine's modules: kind → the module declaring it."""
    found: dict[str, str] = {}
    for module in pkgutil.walk_packages(sunshine.__path__, "sunshine."):
        if module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, LogKind):
                found.setdefault(str(value), module.name)
    return found


def _checks() -> dict[str, AuditCheck]:
    return {check.name: check for check in registered_checks()}


def test_every_log_kind_appended_anywhere_has_an_audit_check(
    declared_kinds: dict[str, str],
) -> None:
    checked = {str(kind) for check in registered_checks() for kind in check.kinds}
    missing = [f"{kind} (declared in {where})" for kind, where in declared_kinds.items()]
    missing = [m for m in missing if m.split(" ")[0] not in checked]
    assert missing == [], (
        "records of these kinds are appended but nothing re-derives their rows: register an"
        " AuditCheck for each in the part's service/audit_checks.py\n" + "\n".join(missing)
    )
    assert {"ledger.entry", "ledger.account", "disclosure.notice", "disclosure.budget"} <= checked


def test_every_log_kind_is_declared_once_at_module_level() -> None:
    """So the search above sees every kind: none made on the fly inside a function."""
    stray = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node.value) for node in tree.body if isinstance(node, ast.Assign)}
        for node in ast.walk(tree):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", None) == "LogKind"
            if called and id(node) not in top:
                stray.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert stray == [], "declare each LogKind once, as a module constant:\n" + "\n".join(stray)


def test_a_check_names_only_kinds_that_are_declared(declared_kinds: dict[str, str]) -> None:
    for check in registered_checks():
        assert {str(kind) for kind in check.kinds} <= declared_kinds.keys(), check.name


def test_every_table_says_whether_the_audit_re_derives_its_rows() -> None:
    checks = _checks()
    problems = []
    for mapper in Base.registry.mappers:
        model, table = mapper.class_, mapper.local_table.name
        declared = model.__audit__
        if declared is None:
            problems.append(
                f"{table}: add __audit__ = audited_by(<check>) or not_audited(<why>) to"
                f" {model.__name__} (infra.db.Audit)"
            )
            continue
        if not declared.checks and not declared.reason:
            problems.append(f"{table}: say why no log record stands for its rows")
        for name in declared.checks:
            if name not in checks:
                problems.append(f"{table}: no audit check is registered as {name}")
            elif table not in checks[name].tables:
                problems.append(f"{table}: the check {name} does not list it in its tables")
    assert problems == [], "\n".join(problems)


def test_every_check_re_derives_only_tables_that_say_so() -> None:
    models = {m.local_table.name: m.class_ for m in Base.registry.mappers}
    for check in registered_checks():
        for table in check.tables:
            declared = models[table].__audit__
            assert declared is not None
            assert check.name in declared.checks, f"{table} does not name the check {check.name}"


def test_a_check_that_stands_behind_records_has_a_row_side() -> None:
    for check in registered_checks():
        assert (check.rows is None) == (not check.kinds), check.name
