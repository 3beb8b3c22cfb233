"""Command groups whose subcommands are imported only when run or listed in --help (the hub's, say)."""

from __future__ import annotations

import importlib

import typer
import typer.main
from typer.core import TyperGroup


class LazyGroup(TyperGroup):
    """lazy: subcommand name -> (module, Typer attribute, position in the listing; -1 is last)."""

    lazy: dict[str, tuple[str, str, int]] = {}

    def list_commands(self, ctx) -> list[str]:  # noqa: ANN001 - click's Context
        names = [n for n in super().list_commands(ctx) if n not in self.lazy]
        for name, (_, _, pos) in self.lazy.items():
            names.insert(len(names) if pos < 0 else pos, name)
        return names

    def get_command(self, ctx, cmd_name: str):  # noqa: ANN001, ANN201 - click's types
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attr, _ = self.lazy[cmd_name]
            command = typer.main.get_command(getattr(importlib.import_module(module), attr))
            command.name = cmd_name
            self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)


def lazy_group(**lazy: tuple[str, str, int]) -> type[LazyGroup]:
    return type("LazyGroup", (LazyGroup,), {"lazy": lazy})
