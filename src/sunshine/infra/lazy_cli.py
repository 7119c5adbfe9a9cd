"""Command groups that import a sub-command's module only when that command runs.

Importing every part of the app (SQLAlchemy models, FastAPI, openpyxl, WeasyPrint's
neighbours) costs about a second before any command starts; `sunshine ledger import`
of a large journal should not pay for the notice board's PDF code. Click's documented
lazy-loading pattern (`get_command` resolving a "module:attribute" path), for Typer.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:
    # Typer ships its own copy of Click; these are the types its groups deal in.
    from typer._click import Command
    from typer._click import Context


def lazy_group(commands: Mapping[str, str]) -> type[TyperGroup]:
    """A group class whose `commands` (name → "package.module:attribute") load on use.

    The attribute is a `typer.Typer` (mounted as a sub-group) or a command function.
    Commands the Typer app defines itself come first, then these in the given order.
    """

    class LazyGroup(TyperGroup):
        def list_commands(self, ctx: Context) -> list[str]:
            return [*super().list_commands(ctx), *commands]

        def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
            if cmd_name not in commands:
                return super().get_command(ctx, cmd_name)
            return _load(cmd_name, commands[cmd_name])

    return LazyGroup


def _load(name: str, path: str) -> Command:
    module_name, _, attribute = path.partition(":")
    target = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        command: Command = typer.main.get_group(target)  # as add_typer mounts it
    else:
        single = typer.Typer(add_completion=False)
        single.command(name=name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command
