"""Base of the checks that read a Pulumi stack's resources (offline plan, preview, stack export)."""

from __future__ import annotations

from typing import Callable, ClassVar, Iterable, Iterator

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import pulumistate
from sovstack.rules.placement import pulumi_package
from sovstack.rules.pulumigraph import Violation


def _stack_of(urn: str | None) -> str | None:
    if isinstance(urn, str) and urn.startswith("urn:pulumi:"):
        return urn.split(":", 2)[2].split("::", 1)[0] or None
    return None


def graph_hit(doc, violation: Violation) -> Hit:
    """A Hit at the program line that declared the resource (planned stacks) or at its entry in the file."""
    state = violation.state
    urn = state.get("urn")
    ref = {"urn": urn or state.get("type"), "type": state["type"], "provider": pulumi_package(state["type"]),
           "stack": getattr(doc, "stack", None) or _stack_of(urn)}
    position = getattr(doc, "position", None)
    if position is not None:
        file, line = position(state)
        if file:
            return Hit(violation.message, line=line, resource=urn, file=file, pulumi=ref)
        # a default provider: configured by `<package>:<key>` entries of the stack file
        return Hit(violation.message, needle=f"{ref['provider']}:" if ref["provider"] else None, resource=urn,
                   pulumi=ref)
    return Hit(violation.message, line=doc.key_line(state, "type"), resource=urn, pulumi=ref)


class GraphCheck(NativeCheck):
    """Runs one rule of `sovstack.rules.pulumigraph` over every resource of a stack."""

    kinds = ("pulumi-state", "pulumi-program")
    rule: ClassVar[Callable[[Iterable[dict]], Iterator[Violation]]]

    def scan(self, doc):
        states = [state for _, state in pulumistate.resources(doc)]
        for violation in type(self).rule(states):
            yield graph_hit(doc, violation)
