"""The layering of STYLE.md 1.2, checked by import-linter so `pytest` alone catches a break.

Every part (identity, registry, transparency, ledger, disclosure, demo, and any part that
comes next) has one shape: its modules sit in layer packages (`api/ pages/ cli/ jobs/
schemas/ service/ models/ rules/`), which the import contracts in `pyproject.toml` know.
A module outside them would be invisible to those contracts, so a test names it.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sunshine"
LAYERS = frozenset({"api", "pages", "cli", "jobs", "schemas", "service", "models", "rules"})
# The foundation and the app factory are not parts: they keep their own flat layout.
FOUNDATION = frozenset({"kernel", "infra", "entrypoints"})
# "No part reads another part's tables": its own run, as it ignores type-only imports.
TABLES = "importlinter-tables.toml"


def _parts() -> list[str]:
    return sorted(
        path.name
        for path in PACKAGE.iterdir()
        if (path / "__init__.py").exists() and path.name not in FOUNDATION
    )


def _contract(name: str, config: str = "pyproject.toml") -> dict[str, object]:
    settings = tomllib.loads((ROOT / config).read_text(encoding="utf-8"))
    contracts = settings["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract["name"] == name)


@pytest.mark.parametrize("config", ["pyproject.toml", TABLES])
def test_the_import_contracts_hold(config: str) -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", config],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_of_a_part_sits_under_a_layer_name() -> None:
    outside = []
    for part in _parts():
        for module in sorted((PACKAGE / part).rglob("*.py")):
            inside = module.relative_to(PACKAGE / part).parts
            if inside != ("__init__.py",) and inside[0] not in LAYERS:
                outside.append(str(module.relative_to(PACKAGE.parent)))
    assert outside == [], f"modules outside the layers {sorted(LAYERS)}: {outside}"


def test_the_top_level_holds_only_parts_and_the_foundation() -> None:
    loose = sorted(
        path.name
        for path in PACKAGE.glob("*.py")
        if path.name not in {"__init__.py", "__main__.py"}
    )
    assert loose == []


def test_every_part_is_layered_and_its_rules_are_pure() -> None:
    layered = _contract("Inside each domain")["containers"]
    pure = _contract("Pure code stays pure")["source_modules"]
    for part in _parts():
        assert f"sunshine.{part}" in layered, f"add sunshine.{part} to 'Inside each domain'"
        if (PACKAGE / part / "rules").is_dir():
            assert f"sunshine.{part}.rules" in pure, f"add sunshine.{part}.rules to 'Pure code'"


def test_no_part_may_import_another_parts_tables() -> None:
    tables = [
        f"sunshine.{part}.models" for part in _parts() if (PACKAGE / part / "models").is_dir()
    ]
    for part in _parts():
        contract = _contract(f"{part} reads no other part's tables", TABLES)
        assert contract["source_modules"] == [f"sunshine.{part}"]
        others = [module for module in tables if module != f"sunshine.{part}.models"]
        assert sorted(contract["forbidden_modules"]) == others, part


def test_the_offline_verifier_loads_nothing_of_ours_but_kernel() -> None:
    code = "import sunshine.transparency.rules.verifier, sys; print('\\n'.join(sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ours = {name for name in run.stdout.split() if name.startswith("sunshine.")}
    allowed = {"sunshine.transparency", "sunshine.transparency.rules"}
    verifier = "sunshine.transparency.rules.verifier"
    assert {n for n in ours if not n.startswith("sunshine.kernel")} == {*allowed, verifier}
