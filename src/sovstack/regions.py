"""Which region each input and finding belongs to: a Pulumi stack is a region, the rest is the repository."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovstack.models import Finding, InputRecord, Result

REPOSITORY = ""  # the scope of every input and finding outside the region stacks


class Regions:
    """A planned stack's input record names its stack; its findings carry `pulumi.stack`. A finding or input
    in the stack's own file (`Pulumi.<stack>.yaml`, read as config and as the plan) belongs to that stack too."""

    def __init__(self, result: Result) -> None:
        self._files = {rec.path: rec.stack for rec in result.inputs if rec.stack}
        names = {rec.stack for rec in result.inputs if rec.stack}
        names |= {f.pulumi.stack for f in result.findings if f.pulumi and f.pulumi.stack}
        self.names: list[str] = sorted(names)

    def of_finding(self, finding: Finding) -> str:
        if finding.pulumi and finding.pulumi.stack:
            return finding.pulumi.stack
        return self._files.get(finding.file, REPOSITORY)

    def of_input(self, record: InputRecord) -> str:
        return record.stack or self._files.get(record.path, REPOSITORY)

    def scopes(self) -> list[str]:
        """Every region, then the repository (everything else)."""
        return [*self.names, REPOSITORY]
