"""What a check returns (Hit) and the base class of sovstack-native checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable

if TYPE_CHECKING:
    from sovstack.collect.document import Document


@dataclass
class Hit:
    """One violation found by a check. The engine turns it into a Finding with the policy's metadata."""

    message: str
    line: int | None = None
    needle: str | None = None  # text to look for when the exact line is not known
    start: int | None = None  # where to look for needle
    end: int | None = None
    resource: str | None = None
    file: str | None = None  # where the finding is, when not the document itself (a planned stack's source)
    pulumi: dict | None = None  # urn, type, provider, stack of a Pulumi resource
    chain: list | None = None  # sovstack.facts.Origin links the value was resolved through


class InputProblem(Exception):
    """Raised by a check when the input itself cannot be evaluated (it is reported as an input error)."""


class Registry:
    def __init__(self) -> None:
        self.checks: dict[str, object] = {}
        self.catalogue: object | None = None  # the catalogue whose check files the engine is loading now

    def register(self, check: object) -> None:
        self.checks[check.id] = check  # a re-imported file replaces its earlier instance

    def of_target(self, target: str) -> list[object]:
        return [c for c in self.checks.values() if target in getattr(c, "sov_targets", ())]


REGISTRY = Registry()


class NativeCheck:
    """A sovstack policy for inputs checkov has no framework for. Subclasses set id and kinds."""

    id: ClassVar[str]
    kinds: ClassVar[tuple[str, ...]]  # document kinds, or ("any",)
    fallback: ClassVar[bool] = False  # dropped where a more specific check already reported the line
    skip_kinds: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.sov_targets = ("native",)
        REGISTRY.register(self)

    def applies(self, doc: Document) -> bool:
        return doc.kind.value not in self.skip_kinds and ("any" in self.kinds or doc.kind.value in self.kinds)

    def scan(self, doc: Document) -> Iterable[Hit]:  # pragma: no cover - abstract
        raise NotImplementedError
